import type { Command } from 'commander';
import { colorsFor, type OutputFormat } from '../print/output';
import { UsageError } from '../../errors';
import { tailTopic } from '../../tail';
import { renderTailRecord } from '../print/tail';
import { integerFlag, pickTopic, printContext, withFormat, type FormatFlags } from './shared';

interface TailFlags extends FormatFlags {
  dlq?: boolean;
  fromBeginning?: boolean;
  maxMessages?: string;
  partition?: string;
  offset?: string;
  from?: string;
  brokers?: string;
  registry?: string;
}

const FORMATS: OutputFormat[] = ['text', 'json'];

export function registerTailCommand(program: Command): void {
  const tail = program
    .command('tail')
    .description(
      'follow a topic (or its dead-letter topic) and print each record decoded with its schema; ' +
        'exits 2 after the first record it cannot decode because the registry is unreachable or refuses the credentials',
    )
    .argument('[topic]', 'topic of the config (default: the first one)')
    .option('--dlq', "follow the topic's dead-letter topic and show the dead-letter headers")
    .option('--from-beginning', 'start at the earliest offset instead of new records only')
    .option('-n, --max-messages <n>', 'stop after n records')
    .option('--partition <n>', 'only this partition')
    .option('--offset <n>', 'start at this offset (of --partition, or of every partition)')
    .option('--from <time>', 'start at the first record at or after this time (ISO 8601, or ms since the epoch)')
    .option('--brokers <list>', 'Kafka brokers, comma-separated (default KAFKA_BROKERS)')
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)');
  withFormat(tail, FORMATS, { legacyJson: true, what: 'json: one object per line' }).action(
    async (topicArg: string | undefined, flags: TailFlags, command: Command) => {
      const ctx = printContext(flags, FORMATS);
      const topic = pickTopic(command, topicArg);
      const name = flags.dlq ? topic.deadLetterTopic : topic.name;
      const maxMessages = integerFlag(flags.maxMessages, '--max-messages', 1);
      const partition = integerFlag(flags.partition, '--partition', 0);
      const offset = flags.offset === undefined ? undefined : String(integerFlag(flags.offset, '--offset', 0));
      const fromTime = flags.from === undefined ? undefined : parseTime(flags.from);
      if ([flags.fromBeginning, offset, fromTime].filter((x) => x !== undefined && x !== false).length > 1) {
        throw new UsageError('--from-beginning, --offset and --from each say where to start: pass one of them');
      }
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const start = flags.fromBeginning
        ? ' from the beginning'
        : offset !== undefined
          ? ` from offset ${offset}`
          : fromTime !== undefined
            ? ` from ${new Date(fromTime).toISOString()}`
            : '';
      const only = partition === undefined ? '' : ` partition ${partition}`;
      try {
        await tailTopic({
          topic: name,
          brokers: flags.brokers,
          registry: flags.registry,
          discriminator: topic.discriminator,
          fromBeginning: flags.fromBeginning,
          partition,
          offset,
          fromTime,
          maxMessages,
          signal: abort.signal,
          // said once the topic is known to exist: a missing one is an error, not "following"
          onStarted: () => {
            if (ctx.format === 'text')
              process.stderr.write(
                colorsFor(process.stderr).dim(`following ${name}${only}${start} (Ctrl-C to stop)\n`),
              );
          },
          onRecord: (record) => {
            process.stdout.write(renderTailRecord(record, ctx));
          },
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    },
  );
}

function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new UsageError(
      `--from must be a time, got "${value}"`,
      'use ISO 8601 (2026-12-01T09:00:00Z) or milliseconds since the epoch',
    );
  }
  return ms;
}
