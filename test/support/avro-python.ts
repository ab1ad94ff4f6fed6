/**
 * Apache Avro's Python reference implementation (`avro.compatibility.ReaderWriterCompatibilityChecker`,
 * a port of Java's `SchemaCompatibility`) as a judge of the offline checker's Avro verdicts: the
 * pairs to ask it about, the call to Python, and the comparison. Runs in the tests' Python
 * environment (test/support/python.ts), which has the pinned `avro`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkCompatibility } from '../../src/formats/compatibility';
import type { CompatibilityLevel, JsonValue } from '../../src/compat';
import { seededRandom } from './bookings-samples';
import { ensurePython } from './python';

const HELPER = path.resolve(__dirname, 'python/avro_compat.py');

export interface Pair {
  id: string;
  reader: JsonValue;
  writer: JsonValue;
}

/** Our verdict: can `reader` read data written with `writer`? */
export function ours(pair: Pair): boolean {
  return checkCompatibility({
    format: 'AVRO',
    level: 'BACKWARD',
    previous: [{ schema: pair.writer }],
    candidate: { schema: pair.reader },
  }).compatible;
}

export function python(pairs: Pair[]): Map<string, { compatible?: boolean; error?: string }> {
  const interpreter = ensurePython();
  const run = spawnSync(interpreter, [HELPER], {
    input: JSON.stringify(pairs),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // the exit status first: a helper that exits before reading its input makes the write fail with EPIPE
  if (run.status === 3) throw new Error(`Python's avro package is missing from ${interpreter}:\n${run.stderr}`);
  if (run.status !== null && run.status !== 0) throw new Error(`${HELPER} failed (exit ${run.status}): ${run.stderr}`);
  if (run.error) throw new Error(`cannot run ${interpreter} ${HELPER}: ${run.error.message}\n${run.stderr ?? ''}`);
  const results = JSON.parse(run.stdout) as { id: string; compatible?: boolean; error?: string }[];
  return new Map(results.map((r) => [r.id, r]));
}

/** Reader/writer pairs behind compatibility cases, per each level's directions and versions. */
export function casePairs(
  cases: { id: string; level: CompatibilityLevel; previous: JsonValue[]; candidate: JsonValue }[],
): Pair[] {
  const pairs: Pair[] = [];
  for (const c of cases) {
    if (c.level === 'NONE') continue;
    const against = c.level.endsWith('TRANSITIVE') ? c.previous : c.previous.slice(-1);
    against.forEach((old, i) => {
      if (!c.level.startsWith('FORWARD')) pairs.push({ id: `${c.id}#${i}/backward`, reader: c.candidate, writer: old });
      if (!c.level.startsWith('BACKWARD')) pairs.push({ id: `${c.id}#${i}/forward`, reader: old, writer: c.candidate });
    });
  }
  return pairs;
}

/** The project's own rule fixtures (test/fixtures/compat/avro/<RULE>/before.json, after.json, expect.json). */
export function ruleFixturePairs(): Pair[] {
  const root = path.resolve(__dirname, '../fixtures/compat/avro');
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JsonValue;
  return readdirSync(root).flatMap((rule) => {
    const dir = path.join(root, rule);
    const expect = read(path.join(dir, 'expect.json')) as { level: CompatibilityLevel };
    return casePairs([
      {
        id: `fixture-${rule}`,
        level: expect.level,
        previous: [read(path.join(dir, 'before.json'))],
        candidate: read(path.join(dir, 'after.json')),
      },
    ]);
  });
}

// ---- generated pairs: a seeded random schema and a mutation of it, read both ways ----

type Json = JsonValue;
type Obj = { [key: string]: Json };
const PRIMITIVES = ['int', 'long', 'float', 'double', 'string', 'bytes', 'boolean'];
const DEFAULTS: Record<string, Json> = { int: 0, long: 0, float: 0, double: 0, string: '', bytes: '', boolean: false };

export function generatePairs(count: number): Pair[] {
  const random = seededRandom(20240605);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const clone = <T extends Json>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

  const fieldType = (name: string): Json => {
    switch (Math.floor(random() * 9)) {
      case 0:
        return ['null', pick(PRIMITIVES)];
      case 1: {
        const symbols = ['A', 'B', 'C', 'D'].slice(0, 2 + Math.floor(random() * 3));
        return random() < 0.3
          ? { type: 'enum', name: `E_${name}`, symbols, default: 'A' }
          : { type: 'enum', name: `E_${name}`, symbols };
      }
      case 2:
        return { type: 'fixed', name: `F_${name}`, size: pick([8, 16]) };
      case 3:
        return { type: 'array', items: pick(PRIMITIVES) };
      case 4:
        return { type: 'map', values: pick(PRIMITIVES) };
      case 5:
        return { type: 'record', name: `R_${name}`, fields: [{ name: 'x', type: pick(PRIMITIVES) }] };
      case 6:
        return { type: 'int', logicalType: 'date' };
      default:
        return pick(PRIMITIVES);
    }
  };
  const defaultFor = (type: Json): Json | undefined => {
    if (typeof type === 'string') return DEFAULTS[type];
    if (Array.isArray(type)) return type[0] === 'null' ? null : undefined;
    const t = type as Obj;
    if (t.type === 'enum') return (t.symbols as string[])[0] as string;
    if (t.type === 'array') return [];
    if (t.type === 'map') return {};
    if (t.type === 'fixed') return '\u0000'.repeat(t.size as number);
    if (t.type === 'int') return 0;
    return undefined;
  };
  const field = (name: string, withDefault: boolean): Obj => {
    const type = fieldType(name);
    const value = defaultFor(type);
    return withDefault && value !== undefined ? { name, type, default: value } : { name, type };
  };
  const base = (): Obj => ({
    type: 'record',
    name: 'Event',
    namespace: 'com.example',
    fields: Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => field(`f${i}`, random() < 0.5)),
  });

  const mutate = (schema: Obj): Obj => {
    const s = clone(schema);
    const fields = s.fields as Obj[];
    const target = fields.length > 0 ? pick(fields) : undefined;
    switch (Math.floor(random() * 12)) {
      case 0:
        fields.push(field(`g${fields.length}`, random() < 0.5));
        break;
      case 1:
        if (target) fields.splice(fields.indexOf(target), 1);
        break;
      case 2:
        if (target) {
          target.type = pick(PRIMITIVES);
          delete target.default;
        }
        break;
      case 3:
        if (target && typeof target.type === 'string') {
          target.type = ['null', target.type];
          target.default = null;
        }
        break;
      case 4:
        if (target && Array.isArray(target.type)) {
          target.type = target.type[1] as Json;
          delete target.default;
        }
        break;
      case 5: {
        const e = target && (target.type as Obj).type === 'enum' ? (target.type as Obj) : undefined;
        if (e) {
          const symbols = e.symbols as string[];
          if (random() < 0.5) symbols.push(`S${symbols.length}`);
          else if (symbols.length > 2) symbols.pop();
          if (random() < 0.3) {
            if (e.default) delete e.default;
            else e.default = symbols[0] as string;
          }
        }
        break;
      }
      case 6: {
        const f = target && (target.type as Obj).type === 'fixed' ? (target.type as Obj) : undefined;
        if (f) f.size = f.size === 8 ? 16 : 8;
        break;
      }
      case 7:
        // Rename the record; sometimes keep the old full name as an alias.
        s.name = 'Reservation';
        if (random() < 0.5) s.aliases = ['com.example.Event'];
        break;
      case 8:
        // Namespace change only: Java (and Python) compare short names.
        s.namespace = 'org.example';
        break;
      case 9:
        if (target && !fields.some((f) => f.name === `${String(target.name)}_new`)) {
          target.aliases = [target.name as string];
          target.name = `${String(target.name)}_new`;
        }
        break;
      case 10: {
        const container =
          target && ['array', 'map'].includes((target.type as Obj).type as string) ? (target.type as Obj) : undefined;
        if (container) container[container.type === 'array' ? 'items' : 'values'] = pick(PRIMITIVES);
        break;
      }
      default: {
        const nested = target && (target.type as Obj).type === 'record' ? (target.type as Obj) : undefined;
        if (nested)
          (nested.fields as Obj[]).push({
            name: 'y',
            type: pick(PRIMITIVES),
            ...(random() < 0.5 ? { default: 0 } : {}),
          });
        if (nested && random() < 0.5) ((nested.fields as Obj[])[0] as Obj).type = pick(PRIMITIVES);
        break;
      }
    }
    return s;
  };

  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const a = base();
    let b = mutate(a);
    if (random() < 0.5) b = mutate(b);
    pairs.push({ id: `generated-${i}/a-reads-b`, reader: a, writer: b });
    pairs.push({ id: `generated-${i}/b-reads-a`, reader: b, writer: a });
  }
  return pairs;
}

/** Shapes the generator does not produce: recursion, unions of records, nested unions of named types. */
export function handcraftedPairs(): Pair[] {
  const list = (extra: Json[]) => ({
    type: 'record',
    name: 'Node',
    fields: [{ name: 'v', type: 'int' }, { name: 'next', type: ['null', 'Node'], default: null }, ...extra],
  });
  const a = { type: 'record', name: 'A', fields: [{ name: 'x', type: 'int' }] };
  const a2 = {
    type: 'record',
    name: 'A',
    fields: [
      { name: 'x', type: 'long' },
      { name: 'y', type: 'string' },
    ],
  };
  const b = { type: 'record', name: 'B', fields: [{ name: 'z', type: 'string' }] };
  const shapes: [string, Json, Json][] = [
    ['recursive-same', list([]), list([])],
    ['recursive-added-default', list([{ name: 'w', type: 'int', default: 1 }]), list([])],
    ['recursive-added-no-default', list([{ name: 'w', type: 'int' }]), list([])],
    ['union-of-records', ['null', a, b], ['null', a]],
    ['union-of-records-narrowed', ['null', a], ['null', a, b]],
    ['union-record-changed', ['null', a2], ['null', a]],
    ['union-record-promoted', ['null', { ...a, fields: [{ name: 'x', type: 'long' }] }], ['null', a]],
    [
      'enum-in-union',
      ['null', { type: 'enum', name: 'K', symbols: ['A'] }],
      ['null', { type: 'enum', name: 'K', symbols: ['A', 'B'] }],
    ],
  ];
  return shapes.flatMap(([id, x, y]) => [
    { id: `handcrafted-${id}/x-reads-y`, reader: x, writer: y },
    { id: `handcrafted-${id}/y-reads-x`, reader: y, writer: x },
  ]);
}

/**
 * Asks Python about every pair and expects the offline checker's verdict on each, except the pairs
 * in `known` (pair ID → why the kit follows Java there), which must still disagree.
 */
export function expectAgreement(label: string, pairs: Pair[], known: Record<string, string> = {}): void {
  const theirs = python(pairs);

  it('python answered every pair', () => {
    const errors = [...theirs.values()].filter((r) => r.error);
    expect(errors).toEqual([]);
    expect(theirs.size).toBe(pairs.length);
  });

  it('every pair gets the same reader/writer verdict', () => {
    const disagreements = pairs
      .filter((pair) => theirs.get(pair.id)?.compatible !== ours(pair) && !(pair.id in known))
      .map((pair) => ({
        id: pair.id,
        python: theirs.get(pair.id)?.compatible,
        ours: ours(pair),
        reader: pair.reader,
        writer: pair.writer,
      }));
    const compatibleCount = pairs.filter((p) => theirs.get(p.id)?.compatible).length;
    process.stdout.write(
      `python cross-check (${label}): ${pairs.length - disagreements.length}/${pairs.length} pairs agree (${compatibleCount} compatible, ${pairs.length - compatibleCount} incompatible)\n`,
    );
    expect(disagreements).toEqual([]);
    const stale = Object.keys(known).filter((id) =>
      pairs.some((p) => p.id === id && theirs.get(id)?.compatible === ours(p)),
    );
    expect(stale).toEqual([]);
  });
}
