/**
 * Builds the figures table of docs/reliability.md from test-artifacts/faults/*.json, which the
 * fault suite writes (`npm run test:faults`).
 *
 *   npx tsx test/support/faults/table.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR, type ScenarioFigures } from './figures';

/** Table order: load and faults first, then bad input, then security. */
const ORDER = [
  'broker-restart',
  'consumer-sigkill',
  'broker-failover',
  'broker-stall-short',
  'broker-stall-long',
  'coordinator-stall',
  'leader-stall',
  'consumer-stall',
  'registry-outage',
  'flaky-handlers',
  'hostile-bytes',
  'invalid-payloads',
  'security',
];

export function figuresTable(all: ScenarioFigures[]): string {
  const sorted = [...all].sort((a, b) => ORDER.indexOf(a.scenario) - ORDER.indexOf(b.scenario));
  const n = (value: number) => value.toLocaleString('en');
  const rows = sorted.map(
    (f) =>
      `| ${f.scenario} | ${f.fault} | ${n(f.sent)} | ${n(f.handled)} | ${n(f.duplicates)} | ${n(f.deadLettered)} | **${n(f.lost)}** | ${(f.durationMs / 1000).toFixed(1)} s |`,
  );
  return [
    '| scenario | what was done | sent | handled | duplicates | dead-lettered | lost | time |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n');
}

/** The stall scenarios' recovery: what froze, for how long, and what it took to come back. */
export function stallTable(all: ScenarioFigures[]): string {
  const stalls = all
    .filter((f) => typeof f.details.recoveryMs === 'number')
    .sort((a, b) => ORDER.indexOf(a.scenario) - ORDER.indexOf(b.scenario));
  const s = (ms: unknown) =>
    typeof ms !== 'number' || ms < 0 ? '–' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
  const rows = stalls.map((f) => {
    const d = f.details;
    const crashes =
      d.crashesKafkajsDidNotRestart ??
      (String(d.frozenMemberStates ?? '').includes('rejoining') ? 'rejoined (frozen process)' : 0);
    return `| ${f.scenario} | ${s(d.stallMs)} | ${s(d.sessionTimeoutMs)} | ${s(d.resumedMs)} | ${s(d.recoveryMs)} | ${d.rejoinedAfterThawMs === undefined ? '–' : s(d.rejoinedAfterThawMs)} | ${crashes} | ${d.supervisedRestarts ?? '–'} | ${f.duplicates.toLocaleString('en')} | **${f.lost}** |`;
  });
  return [
    '| scenario | stall | session timeout | thaw → first event handled | thaw → all handled | thaw → frozen member back in group | crashes kafkajs did not restart | supervised restarts | duplicates | lost |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n');
}

if (require.main === module) {
  if (!existsSync(ARTIFACTS_DIR)) {
    process.stderr.write(`no figures in ${ARTIFACTS_DIR}: run npm run test:faults first\n`);
    process.exit(1);
  }
  const all = readdirSync(ARTIFACTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(ARTIFACTS_DIR, f), 'utf8')) as ScenarioFigures);
  process.stdout.write(`${figuresTable(all)}\n\n${stallTable(all)}\n`);
}
