/** Printers: text without colours off a TTY, JSON as data, GitHub annotations escaped and placed. */
import type { Finding } from '../../../src/compat';
import { renderCheckReport } from '../../../src/cli/print/check';
import { annotation } from '../../../src/cli/print/github';
import { lineOfPointer } from '../../../src/cli/print/locate';
import { colorsFor, parseFormat } from '../../../src/cli/print/output';
import type { CheckReport } from '../../../src/registration';

const finding: Finding = {
  ruleId: 'FIELD_ADDED_WITHOUT_DEFAULT',
  format: 'AVRO',
  breaking: true,
  direction: 'BACKWARD',
  level: 'FULL',
  previousVersion: 3,
  path: '/fields/1',
  pathIn: 'candidate',
  after: { name: 'refund', type: 'long' },
  message:
    'Field `refund` was added without a default: consumers on the new schema cannot read events written with version 3.',
};

const report: CheckReport = {
  kind: 'lock',
  baseline: 'contracts.lock.json',
  compatible: false,
  subjects: [
    {
      subject: 'a.Money',
      topic: 't',
      format: 'AVRO',
      file: 'schemas/Money.avsc',
      path: '/nowhere/schemas/Money.avsc',
      status: 'unchanged',
      level: 'FULL',
      compatible: true,
      against: [],
      findings: [],
      messages: [],
    },
    {
      subject: 'a.Booking',
      topic: 't',
      format: 'AVRO',
      file: 'schemas/Booking.avsc',
      path: '/nowhere/schemas/Booking.avsc',
      status: 'new-version',
      level: 'FULL',
      compatible: false,
      against: [3],
      findings: [finding],
      messages: [],
    },
  ],
};

describe('colorsFor', () => {
  it('colours a TTY, not a pipe, and honours NO_COLOR and FORCE_COLOR', () => {
    expect(colorsFor({ isTTY: true }, {}).red('x')).not.toBe('x');
    expect(colorsFor({ isTTY: false }, {}).red('x')).toBe('x');
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(colorsFor({ isTTY: false }, { FORCE_COLOR: '1' }).red('x')).not.toBe('x');
  });
});

describe('parseFormat', () => {
  it('refuses an unknown format, listing the valid ones', () => {
    expect(() => parseFormat('xml')).toThrow(/--format xml is not a format/);
    expect(parseFormat(undefined)).toBe('text');
  });
});

describe('renderCheckReport', () => {
  const ctx = { colors: colorsFor({ isTTY: false }, {}), cwd: '/nowhere' };

  it('prints each finding with rule, path, file, fragments and sentence', () => {
    const text = renderCheckReport(report, { ...ctx, format: 'text' });
    expect(text).toContain('✓ a.Money unchanged (schemas/Money.avsc)');
    expect(text).toContain('✗ a.Booking schemas/Booking.avsc FULL vs v3 incompatible');
    expect(text).toContain('FIELD_ADDED_WITHOUT_DEFAULT /fields/1 schemas/Booking.avsc:1 (BACKWARD vs v3)');
    expect(text).toContain('- (absent)');
    expect(text).toContain('+ {"name":"refund","type":"long"}');
    expect(text).toContain(finding.message);
    expect(text).toContain('checked 2 subject(s) against contracts.lock.json: 1 changed, 1 incompatible');
  });

  it('prints the report as data with --format json', () => {
    expect(JSON.parse(renderCheckReport(report, { ...ctx, format: 'json' }))).toEqual(report);
  });

  it('prints one annotation per finding with --format github', () => {
    const text = renderCheckReport(report, { ...ctx, format: 'github' });
    expect(text.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
    expect(text).toMatch(
      /^::error file=schemas\/Booking\.avsc,line=1,title=FIELD_ADDED_WITHOUT_DEFAULT \(a\.Booking\)::Field `refund`/,
    );
  });
});

describe('annotation', () => {
  it('escapes newlines and percent signs in the message, and colons and commas in properties', () => {
    expect(annotation('error', { file: 'a,b.avsc', title: 'X: y' }, '50% done\nnext')).toBe(
      '::error file=a%2Cb.avsc,title=X%3A y::50%25 done%0Anext\n',
    );
  });
});

describe('lineOfPointer', () => {
  const text = [
    '{',
    '  "type": "record",',
    '  "name": "B",',
    '  "fields": [',
    '    {"name": "a", "type": "int"},',
    '    {',
    '      "name": "b",',
    '      "type": {"type": "array", "items": "long"}',
    '    }',
    '  ]',
    '}',
  ].join('\n');

  it('finds the line of a field, of its type, and of a nested element', () => {
    expect(lineOfPointer(text, '/fields/0')).toBe(5);
    expect(lineOfPointer(text, '/fields/1')).toBe(6);
    expect(lineOfPointer(text, '/fields/1/type')).toBe(8);
    expect(lineOfPointer(text, '/fields/1/type/items')).toBe(8);
  });

  it('stops at the deepest element the file has (a path into a type defined elsewhere)', () => {
    expect(lineOfPointer(text, '/fields/0/type/fields/3/type')).toBe(5);
  });

  it('points at the containing record for an element that is gone', () => {
    expect(lineOfPointer(text, '/fields/7', { parentOfGone: true })).toBe(1);
    expect(lineOfPointer(text, '', {})).toBe(1);
  });
});
