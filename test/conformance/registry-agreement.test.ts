/**
 * Fidelity against a real registry: every conformance case (../shared/conformance) is fed to the
 * registry (previous versions registered under a fresh subject, the case's level set, then
 * POST /compatibility/subjects/{s}/versions/latest — or …/versions, every version, for transitive
 * levels) and to the offline checker, and the verdicts must agree.
 *
 * Differences are listed, never hidden: KNOWN_DIFFERENCES names each case where the registry under
 * test (Apicurio Registry 3 through its Confluent API) decides otherwise, with its verdict and why.
 * An unlisted disagreement fails, and so does a listed one that no longer happens.
 */
import { randomBytes } from 'node:crypto';
import { checkCompatibility } from '../../src/formats/compatibility';
import { type CompatibilityLevel, type JsonValue, type SchemaFormat } from '../../src/compat';
import { RegistryError } from '../../src/errors';
import { mapLimit } from '../../src/registration';
import { createSchemaRegistryClient, type SchemaInput, type SchemaRegistryClient } from '../../src/registry';
import { stackEnv } from '../support/stack-env';
import { type ConformanceCase, loadConformance } from '../support/conformance';

// Each test runs the CLI several times (about 1.5 s per start through tsx).
jest.setTimeout(120_000);

type Verdict = 'compatible' | 'incompatible' | 'refused';

interface KnownDifference {
  /**
   * The registry's verdict (the offline checker, like Confluent, says otherwise); `refused`: it rejects
   * the schemas themselves.
   */
  registry: Verdict;
  reason: string;
  /** The Apicurio release that decides as Confluent does (the difference is expected before it only). */
  fixedIn?: string;
}

/**
 * Where Apicurio Registry 3.0.9 (ccompat API) and the offline checker (Confluent's rules) differ.
 * Avro: Apicurio uses Apache Avro's checker as Confluent does, so only level handling differs.
 */
const NONE_IGNORED =
  'level handling, not schema rules: Apicurio 3.0.9 stores a subject level NONE (GET /config/{s} answers NONE) but still checks at the global level (BACKWARD), so NONE does not switch checks off';

const KNOWN_DIFFERENCES: Record<string, KnownDifference> = {
  'none-allows-anything/NONE': { registry: 'incompatible', reason: NONE_IGNORED, fixedIn: '3.3.0' },
  'none-type-changed/NONE': { registry: 'incompatible', reason: NONE_IGNORED, fixedIn: '3.3.0' },
  'none-required-added-with-history/NONE': { registry: 'incompatible', reason: NONE_IGNORED, fixedIn: '3.3.0' },
  'closed-false-property-removed/BACKWARD': {
    registry: 'incompatible',
    reason:
      'Apicurio counts removing a property whose schema is `false` from a closed model as a removal; Confluent accepts it (PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: the property could never be present)',
  },
  'pattern-properties-matching-property-added/BACKWARD': {
    registry: 'incompatible',
    reason:
      'Apicurio does not treat a new property matched by patternProperties (with a compatible schema) as covered by the partially open content model; Confluent does',
  },
  'required-with-default-added-to-existing-property/BACKWARD': {
    registry: 'incompatible',
    reason:
      'Apicurio refuses making a property required even when it has a default; Confluent accepts it (REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED)',
  },
  'nullable-via-oneof-added/BACKWARD': {
    registry: 'incompatible',
    reason:
      'Apicurio calls number → oneOf[null, number] a type change; Confluent matches the old schema with a oneOf branch (SUM_TYPE_EXTENDED)',
  },
  'const-changed/BACKWARD': {
    registry: 'compatible',
    reason: 'Apicurio does not compare `const`; Confluent reports a changed const as ENUM_ARRAY_CHANGED, incompatible',
  },
  'allof-member-removed/BACKWARD': {
    registry: 'refused',
    reason:
      'Apicurio answers 422 "Failed to discover artifact type from content" for a schema with neither `type` nor `$schema` at the root, although the request says schemaType JSON; Confluent registers it and calls the removal compatible (PRODUCT_TYPE_NARROWED)',
  },
};

const CONCURRENCY = 8;

const load = loadConformance;

const RUN = randomBytes(3).toString('hex');
let registry: SchemaRegistryClient;
const created: string[] = [];

/** Apicurio's release (its own API beside ccompat), undefined for other registries. */
let apicurioVersion: string | undefined;
const atLeast = (version: string, floor: string) => {
  const [a, b] = [version, floor].map((v) =>
    v
      .split(/[.-]/)
      .slice(0, 3)
      .map((n) => Number.parseInt(n, 10) || 0),
  );
  for (let i = 0; i < 3; i += 1) if (a![i] !== b![i]) return a![i]! > b![i]!;
  return true;
};

beforeAll(async () => {
  registry = createSchemaRegistryClient({ url: stackEnv().registryUrl });
  const info = await fetch(
    stackEnv().registryUrl.replace(/\/apis\/ccompat\/v\d+\/?$/, '/apis/registry/v3/system/info'),
  ).catch(() => undefined);
  if (info?.ok) apicurioVersion = ((await info.json()) as { version?: string }).version;
});

afterAll(async () => {
  // Best effort: soft then hard delete, as Confluent requires (Apicurio accepts both).
  const base = stackEnv().registryUrl;
  await mapLimit(created, CONCURRENCY, async (subject) => {
    await fetch(`${base}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${base}/subjects/${encodeURIComponent(subject)}?permanent=true`, { method: 'DELETE' }).catch(
      () => undefined,
    );
  });
});

const input = (format: SchemaFormat, schema: JsonValue): SchemaInput => ({
  schema: JSON.stringify(schema),
  schemaType: format,
});

/**
 * Registers the history. A later version is registered under the case's level if the registry
 * accepts it, else under a level that accepts it (histories need not be valid at the case's level,
 * and Apicurio treats a subject level NONE as its global level); the case's level is set after.
 */
async function registerHistory(subject: string, format: SchemaFormat, c: ConformanceCase): Promise<void> {
  for (const [i, schema] of c.previous.entries()) {
    if (i === 0) {
      await registry.register(subject, input(format, schema));
      created.push(subject);
      continue;
    }
    let done = false;
    for (const level of [c.level, 'FORWARD', 'BACKWARD', 'FULL'] as CompatibilityLevel[]) {
      await registry.setCompatibility(level, subject);
      try {
        await registry.register(subject, input(format, schema));
        done = true;
        break;
      } catch (error) {
        if (!(error instanceof RegistryError && error.status === 409)) throw error;
      }
    }
    if (!done) throw new Error(`${c.id}: the registry refuses previous version ${i + 1} under every level`);
  }
  await registry.setCompatibility(c.level, subject);
}

async function registryVerdict(
  format: SchemaFormat,
  c: ConformanceCase,
  index: number,
): Promise<{ verdict: Verdict; detail?: string }> {
  const subject = `agree-${RUN}-${format.toLowerCase()}-${index}`;
  try {
    await registerHistory(subject, format, c);
    const against = c.level.endsWith('_TRANSITIVE') ? 'all' : 'latest';
    const result = await registry.testCompatibility(subject, input(format, c.candidate), { against });
    return { verdict: result.isCompatible ? 'compatible' : 'incompatible' };
  } catch (error) {
    // 422: the registry rejects a schema of the case as invalid; anything else is a failure of the test
    if (error instanceof RegistryError && error.status === 422) return { verdict: 'refused', detail: error.message };
    throw error;
  }
}

const summary: string[] = [];

describe.each(['avro-cases.json', 'json-schema-cases.json'])('registry agreement %s', (file) => {
  const data = load(file);
  const rows: Array<{ c: ConformanceCase; offline: Verdict; registry: Verdict; detail?: string }> = [];

  beforeAll(async () => {
    const verdicts = await mapLimit(data.cases, CONCURRENCY, (c, i) => registryVerdict(data.format, c, i));
    data.cases.forEach((c, i) => {
      const offline = checkCompatibility({
        format: data.format,
        level: c.level,
        previous: c.previous.map((schema) => ({ schema })),
        candidate: { schema: c.candidate },
        policy: c.policy ?? data.policy ?? 'STRICT',
      }).compatible
        ? 'compatible'
        : 'incompatible';
      const answer = verdicts[i] as { verdict: Verdict; detail?: string };
      rows.push({ c, offline, registry: answer.verdict, detail: answer.detail });
    });
    const agree = rows.filter((r) => r.offline === r.registry).length;
    const listed = rows.filter((r) => KNOWN_DIFFERENCES[r.c.id]).length;
    summary.push(`${data.format} ${agree}/${rows.length} agree (${listed} listed difference(s))`);
    const unlisted = rows.filter((r) => r.offline !== r.registry && !KNOWN_DIFFERENCES[r.c.id]);
    if (unlisted.length > 0) {
      process.stderr.write(
        `\nunlisted disagreements (${data.format}):\n${unlisted
          .map(
            (r) =>
              `  '${r.c.id}': registry ${r.registry}${r.detail ? ` (${r.detail})` : ''}, offline ${r.offline}, expected ${r.c.compatible ? 'compatible' : 'incompatible'} (${r.c.why})`,
          )
          .join('\n')}\n`,
      );
    }
  }, 300_000);

  it('has cases', () => {
    expect(data.cases.length).toBeGreaterThan(0);
  });

  it('agrees with the registry on every case, except the listed differences', () => {
    const problems: string[] = [];
    for (const r of rows) {
      const listed = KNOWN_DIFFERENCES[r.c.id];
      const known = listed?.fixedIn && apicurioVersion && atLeast(apicurioVersion, listed.fixedIn) ? undefined : listed;
      const registryText = r.registry;
      if (known) {
        if (r.offline === r.registry)
          problems.push(
            `${r.c.id}: listed as a difference but the registry now agrees (${registryText}); remove it from KNOWN_DIFFERENCES`,
          );
        else if (known.registry !== registryText)
          problems.push(`${r.c.id}: listed with registry verdict ${known.registry}, got ${registryText}`);
      } else if (r.offline !== r.registry) {
        problems.push(`${r.c.id}: registry ${registryText}, offline ${r.offline} (${r.c.why})`);
      }
    }
    expect(problems).toEqual([]);
  });
});

afterAll(() => {
  process.stdout.write(`\nregistry agreement (${stackEnv().registryUrl}): ${summary.join('; ')}\n`);
});
