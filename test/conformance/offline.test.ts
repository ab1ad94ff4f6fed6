/**
 * Fidelity: every case in ../shared/conformance must get the expected registry verdict.
 * Disagreements are not skipped silently: a case may only be excused in KNOWN_DISAGREEMENTS,
 * with the reason and evidence.
 */
import { existsSync } from 'node:fs';
import { checkCompatibility } from '../../src/formats/compatibility';
import { CONFORMANCE_DIR, loadConformance } from '../support/conformance';

/** Case ID → why we believe the expected verdict is wrong, and the evidence. Empty: we agree with all. */
const KNOWN_DISAGREEMENTS: Record<string, { reason: string; evidence: string }> = {};

const load = loadConformance;

if (!existsSync(CONFORMANCE_DIR)) {
  throw new Error(`conformance folder missing: ${CONFORMANCE_DIR}`);
}

const agreement: Record<string, { agree: number; total: number }> = {};

describe.each(['avro-cases.json', 'json-schema-cases.json'])('conformance %s', (file) => {
  const data = load(file);
  const counts = (agreement[data.format] = { agree: 0, total: data.cases.length });

  it('has cases', () => {
    expect(data.cases.length).toBeGreaterThan(0);
  });

  it.each(data.cases.map((c) => [c.id, c] as const))('%s', (id, c) => {
    const result = checkCompatibility({
      format: data.format,
      level: c.level,
      previous: c.previous.map((schema) => ({ schema })),
      candidate: { schema: c.candidate },
      policy: c.policy ?? data.policy ?? 'STRICT',
    });
    if (result.compatible === c.compatible) counts.agree++;
    const excused = KNOWN_DISAGREEMENTS[id];
    if (excused) {
      expect(result.compatible).toBe(!c.compatible);
      return;
    }
    if (result.compatible !== c.compatible) {
      throw new Error(
        `${id}: expected ${c.compatible ? 'compatible' : 'incompatible'} (${c.why}), got ${
          result.compatible ? 'compatible' : 'incompatible'
        }: ${result.findings.map((f) => `${f.ruleId} ${f.path}`).join('; ')}`,
      );
    }
    // An incompatible verdict always comes with at least one finding that says why.
    if (!result.compatible) expect(result.findings.length).toBeGreaterThan(0);
  });
});

afterAll(() => {
  const summary = Object.entries(agreement)
    .map(([format, { agree, total }]) => `${format} ${agree}/${total}`)
    .join(', ');
  // The agreement figure, for the report.
  process.stdout.write(`conformance agreement: ${summary}\n`);
});
