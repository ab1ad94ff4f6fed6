/**
 * One before/after pair per Protobuf rule (and variants), discovered from
 * test/fixtures/compat/protobuf/<RULE_ID>[--variant]/: before/ and after/ hold the two versions of
 * shop/v1/order.proto, expect.json the verdicts: the kit's BACKWARD (`compatible`, `findings`) and
 * FORWARD (`forwardCompatible`), Confluent's own code's on the same pair (`confluent`, recorded by
 * running it beside the project, see protobuf-confluent.test.ts), which the kit's must equal, and buf's.
 * Each pair is also judged by `buf breaking` (the buf CLI from npm) in its WIRE and WIRE_JSON
 * categories; expect.json records buf's verdicts, and every case where buf's verdict and the
 * kit's (Confluent's) differ carries the reason in `disagreement`. Assertions are on rule IDs,
 * paths and verdicts, never on wording.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFileRegistry, fromBinary, type DescFile } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { checkCompatibility, COMPATIBILITY_RULES } from '../../../../../src/formats/compatibility';
import { checkProtobufPair, PROTOBUF_RULES } from '../../../../../src/formats/protobuf/compat';

const root = path.resolve(__dirname, '../../../../..');
const FIXTURES = path.join(root, 'test/fixtures/compat/protobuf');
const BUF = path.join(root, 'node_modules/.bin/buf');
const CATEGORIES = ['WIRE', 'WIRE_JSON'] as const;
type Category = (typeof CATEGORIES)[number];

interface Expectation {
  compatible: boolean;
  findings: { ruleId: string; path: string }[];
  forwardCompatible: boolean;
  confluent: { compatible: boolean; forwardCompatible: boolean };
  buf: Record<Category, 'passes' | 'breaks'>;
  disagreement?: string;
}

const work = mkdtempSync(path.join(tmpdir(), 'proto-compat-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function buf(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(BUF, args, { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The module in `dir` as a buf image (a FileDescriptorSet), and its order.proto as a descriptor. */
function build(dir: string, name: string): { image: string; file: DescFile } {
  const image = path.join(work, `${name}.binpb`);
  const run = buf(['build', dir, '-o', image]);
  if (run.status !== 0) throw new Error(`buf build ${dir}: ${run.stderr}`);
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(image)));
  const file = registry.getFile('shop/v1/order.proto');
  if (!file) throw new Error(`${dir} has no shop/v1/order.proto`);
  return { image, file };
}

function bufVerdict(after: string, before: string, category: Category): 'passes' | 'breaks' {
  const config = JSON.stringify({ version: 'v1', breaking: { use: [category] } });
  const run = buf(['breaking', after, '--against', before, '--config', config]);
  if (run.status !== 0 && run.status !== 100) throw new Error(`buf breaking: ${run.stderr}`);
  return run.status === 0 ? 'passes' : 'breaks';
}

const fixtures = existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];
const tally: Record<Category, { agree: number; total: number }> = {
  WIRE: { agree: 0, total: 0 },
  WIRE_JSON: { agree: 0, total: 0 },
};

describe('Protobuf rule fixtures', () => {
  it.each(fixtures)('%s', (name) => {
    const dir = path.join(FIXTURES, name);
    const expected = JSON.parse(readFileSync(path.join(dir, 'expect.json'), 'utf8')) as Expectation;
    const before = build(path.join(dir, 'before'), `${name}-before`);
    const after = build(path.join(dir, 'after'), `${name}-after`);

    const result = checkProtobufPair(before.file, after.file);
    expect(result.findings.map((f) => ({ ruleId: f.ruleId, path: f.path }))).toEqual(expected.findings);
    expect(result.compatible).toBe(expected.compatible);
    expect(checkProtobufPair(after.file, before.file).compatible).toBe(expected.forwardCompatible);
    expect({ backward: expected.compatible, forward: expected.forwardCompatible }).toEqual({
      backward: expected.confluent.compatible,
      forward: expected.confluent.forwardCompatible,
    });
    const rule = name.split('--')[0]!;
    if (!name.includes('--')) expect(expected.findings.map((f) => f.ruleId)).toContain(rule);

    // the same verdict through the shared checker (every level's directions) from the .proto text,
    // parsed at run time as registered schemas are
    const text = (side: string) => readFileSync(path.join(dir, side, 'shop/v1/order.proto'), 'utf8');
    const shared = checkCompatibility({
      format: 'PROTOBUF',
      level: 'BACKWARD_TRANSITIVE',
      previous: [{ schema: text('before') }],
      candidate: { schema: text('after') },
      includeNonBreaking: true,
    });
    expect(shared.compatible).toBe(expected.compatible);
    const once = new Map(
      shared.findings.map((f) => [`${f.ruleId} ${f.path}`, { ruleId: f.ruleId, path: f.path.slice(1) }]),
    );
    expect([...once.values()]).toEqual(expected.findings);
    const full = checkCompatibility({
      format: 'PROTOBUF',
      level: 'FULL',
      previous: [{ schema: text('before') }],
      candidate: { schema: text('after') },
    });
    expect(full.compatible).toBe(expected.compatible && expected.forwardCompatible);

    const theirs = Object.fromEntries(CATEGORIES.map((c) => [c, bufVerdict(after.image, before.image, c)]));
    expect(theirs).toEqual(expected.buf);
    const ours = result.compatible ? 'passes' : 'breaks';
    for (const c of CATEGORIES) {
      tally[c].total++;
      if (theirs[c] === ours) tally[c].agree++;
    }
    const disagrees = CATEGORIES.some((c) => theirs[c] !== ours);
    expect({ disagrees, reason: Boolean(expected.disagreement) }).toEqual({ disagrees, reason: disagrees });
  });

  it('every rule has a fixture named after it, and every rule is in the shared rule list', () => {
    const named = new Set(fixtures.map((f) => f.split('--')[0]));
    // and the opt-in wire reading's, whose cases are buf's (buf-wire.test.ts)
    expect(COMPATIBILITY_RULES.filter((r) => r.format === 'PROTOBUF').map((r) => r.id)).toEqual([
      ...PROTOBUF_RULES.map((r) => r.id),
      'PROTO_BUF_BREAKING',
    ]);
    expect(PROTOBUF_RULES.map((r) => r.id).filter((id) => !named.has(id))).toEqual([]);
    expect([...named].filter((id) => !PROTOBUF_RULES.some((r) => r.id === id))).toEqual([]);
  });

  afterAll(() => {
    const line = CATEGORIES.map((c) => `${c} ${tally[c].agree}/${tally[c].total}`).join(', ');
    process.stdout.write(`protobuf rules vs buf breaking: verdicts agree on ${line}\n`);
  });
});
