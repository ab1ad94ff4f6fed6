/**
 * Events with one thing broken, and what a call made of them, for the tests that hold a generated
 * codec to the generic path of its format: the same event or the same typed error.
 */
import fc from 'fast-check';
import { clone, comparable } from './avro-arbitraries';

type Plain = Record<string, unknown>;

/** A valid event with one thing broken somewhere: a value replaced, a field removed, a field added. */
export function brokenVariant(event: Plain): fc.Arbitrary<Plain> {
  const objects: string[][] = [];
  const fields: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (path.length > 0) fields.push(path);
    if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
      objects.push(path);
      for (const key of Object.keys(value)) walk((value as Plain)[key], [...path, key]);
    }
  };
  walk(event, []);
  const wrong = fc.oneof(
    fc.anything(),
    fc.constantFrom(undefined, null, NaN, Infinity, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), '', 'x', new Date(NaN), {}, []),
  );
  const at = (copy: Plain, path: string[]) => {
    let target = copy;
    for (const p of path) target = target[p] as Plain;
    return target;
  };
  const change = fc.oneof(
    fc.record({ path: fc.constantFrom(...fields), value: wrong }).map(({ path, value }) => (copy: Plain) => {
      at(copy, path.slice(0, -1))[path[path.length - 1]!] = value;
    }),
    fc.constantFrom(...fields).map((path) => (copy: Plain) => {
      delete at(copy, path.slice(0, -1))[path[path.length - 1]!];
    }),
    fc
      .record({ path: fc.constantFrom(...objects), key: fc.constantFrom('extra', 'Data', 'event_id'), value: wrong })
      .map(({ path, key, value }) => (copy: Plain) => {
        at(copy, path)[key] = value;
      }),
  );
  return change.map((apply) => {
    const copy = clone(event) as Plain;
    apply(copy);
    return copy;
  });
}

/** What a call did: its value, or the kit's error as data. */
export function outcome(run: () => unknown): unknown {
  try {
    return { value: comparable(run()) };
  } catch (error) {
    const e = error as { name: string; code?: string; message: string; hint?: string; issues?: unknown };
    return { error: { name: e.name, code: e.code, message: e.message, hint: e.hint, issues: e.issues } };
  }
}
