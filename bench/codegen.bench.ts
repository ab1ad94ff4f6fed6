/**
 * Codegen speed: the booking contracts, and 500 synthetic event schemas (10 topics × 50 events).
 * Run with `npm run bench` (or `npx tsx bench/codegen.bench.ts`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitAll, readTopics } from '../codegen/generate';
import { loadConfig, parseConfig } from '../src/config';

const ROOT = join(__dirname, '..');

async function timeGenerate(configFile: string, runs: number): Promise<{ medianMs: number; files: number }> {
  const times: number[] = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const config = loadConfig(configFile);
    files = (await emitAll(config, readTopics(config))).size;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, files };
}

function syntheticProject(topics: number, eventsPerTopic: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-bench-'));
  const config = { output: 'out', runtimeImport: 'booking-event-contracts', topics: [] as unknown[] };
  for (let t = 0; t < topics; t++) {
    const events = [];
    for (let e = 0; e < eventsPerTopic; e++) {
      const name = `Event${t}x${e}`;
      const schema = {
        type: 'record',
        name,
        namespace: `bench.t${t}`,
        fields: [
          { name: 'eventId', type: { type: 'string', logicalType: 'uuid' } },
          { name: 'eventType', type: 'string' },
          { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
          { name: 'bookingId', type: 'string' },
          { name: 'amount', type: 'long' },
          { name: 'note', type: ['null', 'string'], default: null },
          { name: 'status', type: { type: 'enum', name: `Status${e}`, symbols: ['A', 'B', 'C'] } },
          {
            name: 'detail',
            type: {
              type: 'record',
              name: `Detail${e}`,
              fields: [
                { name: 'x', type: 'int' },
                { name: 'tags', type: { type: 'array', items: 'string' } },
              ],
            },
          },
        ],
      };
      writeFileSync(join(dir, `${name}.avsc`), JSON.stringify(schema));
      events.push({ type: `t${t}.e${e}`, schema: `${name}.avsc` });
    }
    writeFileSync(join(dir, `t${t}-value.avsc`), JSON.stringify(events.map((_, e) => `bench.t${t}.Event${t}x${e}`)));
    config.topics.push({ name: `t${t}`, format: 'AVRO', value: `t${t}-value.avsc`, events });
  }
  writeFileSync(join(dir, 'contracts.config.json'), JSON.stringify(config));
  parseConfig(config, join(dir, 'contracts.config.json'));
  return dir;
}

export async function benchCodegen(): Promise<void> {
  const bookings = await timeGenerate(join(ROOT, 'contracts.config.json'), 5);
  console.log(
    `codegen: booking contracts (4 events, 7 schema files): median ${bookings.medianMs.toFixed(0)} ms over 5 runs, ${bookings.files} files`,
  );
  const dir = syntheticProject(10, 50);
  try {
    const synthetic = await timeGenerate(join(dir, 'contracts.config.json'), 3);
    console.log(
      `codegen: 500 synthetic event schemas (10 topics × 50): median ${synthetic.medianMs.toFixed(0)} ms over 3 runs, ${synthetic.files} files`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void benchCodegen();
