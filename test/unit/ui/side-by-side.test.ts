import { sideBySide } from '../../../src/ui';
import { linesOfPointer } from '../../../src/ui/compare';

describe('side-by-side diff rows', () => {
  it('pairs a removed run with the added run after it and numbers each side on its own', () => {
    const rows = sideBySide('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect(
      rows.map((r) => [
        r.kind,
        r.left?.line ?? null,
        r.left?.text ?? null,
        r.right?.line ?? null,
        r.right?.text ?? null,
      ]),
    ).toEqual([
      ['same', 1, 'a', 1, 'a'],
      ['changed', 2, 'b', 2, 'B'],
      ['same', 3, 'c', 3, 'c'],
      ['same', 4, 'd', 4, 'd'],
      ['added', null, null, 5, 'e'],
    ]);
  });

  it('shows lines only the old version has as removed', () => {
    const rows = sideBySide('x\ny\nz', 'x\nz');
    expect(rows.map((r) => r.kind)).toEqual(['same', 'removed', 'same']);
    expect(rows[2]).toMatchObject({ left: { line: 3 }, right: { line: 2 } });
  });
});

describe('finding paths as lines', () => {
  const text = JSON.stringify(
    {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'string' },
      ],
    },
    null,
    2,
  );

  it('spans the lines of the element a JSON pointer names', () => {
    expect(linesOfPointer(text, '/fields/1')).toEqual({ line: 9, endLine: 12 });
    expect(linesOfPointer(text, '/fields/1/type')).toEqual({ line: 11, endLine: 11 });
  });

  it('falls back to the nearest element that exists', () => {
    expect(linesOfPointer(text, '/fields/7/type')).toEqual({ line: 4, endLine: 13 });
  });
});
