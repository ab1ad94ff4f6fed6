/**
 * The kit's Protobuf verdicts against Confluent Schema Registry's own checker, on a generated
 * corpus of 250 schema pairs (test/fixtures/compat/protobuf-confluent/corpus.json): map key and
 * value types, oneof members removed, added, renamed, dissolved, moved in and out; enum <-> integer
 * and enum -> enum; proto3 and proto2 label changes by scalar group; scalar types within and across
 * wire groups; fields, messages, enums and packages removed, renamed and moved; imported types.
 * Confluent's verdicts come from its code (confluentinc/schema-registry's protobuf-provider diff
 * package, at the commit named in the file, over Square's Wire) run by hand beside the project:
 * CI cannot fetch that source, so its answers are recorded here. Each pair is checked both ways
 * (Confluent's check is directional), and the kit must give Confluent's verdict and find the
 * same kinds of difference.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkCompatibility } from '../../../../../src/formats/compatibility';
import { diffFiles } from '../../../../../src/formats/protobuf/compat/diff';
import { parseProtoFile } from '../../../../../src/formats/protobuf/parse';

interface Verdict {
  compatible: boolean;
  differences: string[];
}
interface Pair {
  name: string;
  before: Record<string, string>;
  after: Record<string, string>;
  confluent: Verdict;
  reverse: Verdict;
}

const CORPUS = path.resolve(__dirname, '../../../../fixtures/compat/protobuf-confluent/corpus.json');
const { source, pairs } = JSON.parse(readFileSync(CORPUS, 'utf8')) as { source: { commit: string }; pairs: Pair[] };
const MAIN = 'shop/v1/order.proto';

const version = (files: Record<string, string>) => ({
  schema: files[MAIN]!,
  references: Object.entries(files)
    .filter(([name]) => name !== MAIN)
    .map(([name, schema]) => ({ name, schema })),
});
const file = (files: Record<string, string>) =>
  parseProtoFile(
    Object.entries(files).map(([name, text]) => ({ name, text })),
    MAIN,
  );
const kinds = (types: string[]) => [...new Set(types)].sort();

describe(`Protobuf verdicts equal Confluent's checker (${source.commit.slice(0, 12)}) on ${pairs.length} pairs`, () => {
  it.each(pairs.map((p) => [p.name, p] as const))('%s', (_, pair) => {
    const at = (level: 'BACKWARD' | 'FORWARD') =>
      checkCompatibility({
        format: 'PROTOBUF',
        level,
        previous: [version(pair.before)],
        candidate: version(pair.after),
      }).compatible;
    expect({ backward: at('BACKWARD'), forward: at('FORWARD') }).toEqual({
      backward: pair.confluent.compatible,
      forward: pair.reverse.compatible,
    });
    expect(kinds(diffFiles(file(pair.before), file(pair.after)).map((d) => d.type))).toEqual(
      kinds(pair.confluent.differences),
    );
    expect(kinds(diffFiles(file(pair.after), file(pair.before)).map((d) => d.type))).toEqual(
      kinds(pair.reverse.differences),
    );
  });

  it('holds every class the corpus was made for, both verdicts in each where they exist', () => {
    const classes = new Set(pairs.map((p) => p.name.split('--')[0]));
    expect([...classes]).toEqual(
      expect.arrayContaining([
        'map-value-type',
        'oneof-member-deleted',
        'oneof-renamed',
        'oneof-dissolved',
        'enum-to-scalar',
        'enum-to-enum',
        'proto3-cardinality',
        'proto2-label',
        'scalar-type',
        'imported-message',
      ]),
    );
    expect(pairs.filter((p) => p.confluent.compatible).length).toBeGreaterThan(100);
    expect(pairs.filter((p) => !p.confluent.compatible).length).toBeGreaterThan(100);
  });
});
