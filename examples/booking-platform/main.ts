/**
 * `npm start`: the booking flows end to end. Uses KAFKA_BROKERS / SCHEMA_REGISTRY_URL when set,
 * otherwise starts the local stack (and stops it afterwards unless --keep-stack); generates the
 * contracts, registers them, runs the services, drives the scenario and prints the summary.
 * Exits 0 only when the books balance.
 */
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import pc from 'picocolors';
import { join } from 'node:path';
import { generate } from '../../codegen';
import { loadConfig } from '../../src/config';
import { createSchemaRegistryClient, isContractsError } from 'booking-event-contracts';
import { resolveKafka } from '../../src/kafka/client';
import { applyRegistration } from '../../src/registration';
import { applyTopics } from '../../src/topics';
import { createLocalStack } from '../../src/stack';
import { runBookingPlatform } from './platform';
import { renderReport } from './report';
import { recordTraces, renderBookingTrace } from './trace';

const ROOT = join(__dirname, '..', '..');

async function main(argv: string[]): Promise<number> {
  const options = new Command('booking-platform')
    .option('--bookings <n>', 'bookings in the scenario', (v) => Number.parseInt(v, 10), 120)
    .option('--timeout <seconds>', 'how long to wait for the flows', (v) => Number.parseInt(v, 10), 180)
    .option('--keep-stack', 'leave a local stack this run started running')
    .parse(argv, { from: 'user' })
    .opts<{ bookings: number; timeout: number; keepStack?: boolean }>();

  let stopStack: (() => Promise<void>) | undefined;
  if (!process.env.KAFKA_BROKERS || !process.env.SCHEMA_REGISTRY_URL) {
    const stack = createLocalStack({ rootDir: ROOT, log: (line) => process.stderr.write(`${pc.dim(line)}\n`) });
    process.stderr.write(
      'KAFKA_BROKERS / SCHEMA_REGISTRY_URL not set: starting the local stack (Kafka + Schema Registry)\n',
    );
    const up = await stack.up();
    process.env.KAFKA_BROKERS = up.env.KAFKA_BROKERS;
    process.env.SCHEMA_REGISTRY_URL = up.env.SCHEMA_REGISTRY_URL;
    if (!up.reused && !options.keepStack) stopStack = async () => void (await stack.down());
  }
  try {
    const config = loadConfig(join(ROOT, 'contracts.config.json'));
    const generated = await generate(config);
    process.stdout.write(
      `generated ${generated.files.length} files from ${config.topics.map((t) => t.name).join(', ')}\n`,
    );
    // what `npx contracts apply` does: topics, then subjects at the config's compatibility levels
    const topics = await applyTopics(resolveKafka({}, 'booking-platform-setup'), config.topics);
    const created = topics.entries.filter((e) => e.action !== 'unchanged').map((e) => e.topic);
    process.stdout.write(`topics ${created.length > 0 ? `created or updated: ${created.join(', ')}` : 'up to date'}\n`);
    const registry = createSchemaRegistryClient({ url: process.env.SCHEMA_REGISTRY_URL! });
    const registered = await applyRegistration({ config, registry });
    process.stdout.write(
      `${registered.subjects.length} subjects registered at ${process.env.SCHEMA_REGISTRY_URL} (levels set)\n`,
    );

    const bar = new SingleBar(
      { format: 'bookings decided {bar} {value}/{total}  cancelled {cancelled}', hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(options.bookings, 0, { cancelled: 0 });
    // the kit's OpenTelemetry spans, kept in memory: the trace of one booking is printed below
    const tracing = recordTraces();
    const report = await runBookingPlatform({
      bookings: options.bookings,
      timeoutMs: options.timeout * 1000,
      onProgress: ({ decided, cancelled }) => bar.update(decided, { cancelled }),
    });
    bar.stop();
    process.stdout.write(`${renderReport(report)}\n`);
    process.stdout.write(`\n${renderBookingTrace(tracing.spans())}\n`);
    tracing.stop();
    process.stdout.write(
      `\nInspect the topic: npx contracts tail bookings --from-beginning   (dead letters: --dlq)\n` +
        `Registry: ${process.env.SCHEMA_REGISTRY_URL}/subjects` +
        (stopStack ? '   (run with --keep-stack, or `npx contracts stack up`, to keep the servers running)\n' : '\n'),
    );
    process.stdout.write(
      report.reconciled ? pc.green('reconciled\n') : pc.red('NOT reconciled: see the checks above\n'),
    );
    return report.reconciled ? 0 : 1;
  } finally {
    await stopStack?.();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${pc.red('error')} ${isContractsError(error) ? error.describe() : error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(2);
  },
);
