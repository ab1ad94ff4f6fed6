import type { Command } from 'commander';
import { colorsFor } from '../print/output';
import { loadConfig, type TopicConfig } from '../../config';
import { UsageError } from '../../errors';
import { tailTopic, type TailRecord } from '../../tail';
import { jsonReplacer } from '../../json-text';

// picocolors alone colours whenever CI is set; the kit colours terminals only
const pc = colorsFor(process.stdout);

interface TailFlags {
  dlq?: boolean;
  fromBeginning?: boolean;
  json?: boolean;
  maxMessages?: string;
  partition?: string;
  offset?: string;
  from?: string;
  brokers?: string;
  registry?: string;
}

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description(
      'follow a topic (or its dead-letter topic) and print each record decoded with its schema; ' +
        'exits 2 after the first record it cannot decode because the registry is unreachable or refuses the credentials',
    )
    .argument('[topic]', 'topic of the config (default: the first one)')
    .option('--dlq', "follow the topic's dead-letter topic and show the dead-letter headers")
    .option('--from-beginning', 'start at the earliest offset instead of new records only')
    .option('--json', 'one JSON object per line')
    .option('-n, --max-messages <n>', 'stop after n records')
    .option('--partition <n>', 'only this partition')
    .option('--offset <n>', 'start at this offset (of --partition, or of every partition)')
    .option('--from <time>', 'start at the first record at or after this time (ISO 8601, or ms since the epoch)')
    .option('--brokers <list>', 'Kafka brokers, comma-separated (default KAFKA_BROKERS)')
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)')
    .action(async (topicArg: string | undefined, flags: TailFlags, command: Command) => {
      const topic = pickTopic(command, topicArg);
      const name = flags.dlq ? topic.deadLetterTopic : topic.name;
      const maxMessages = flags.maxMessages === undefined ? undefined : Number(flags.maxMessages);
      if (maxMessages !== undefined && (!Number.isInteger(maxMessages) || maxMessages < 1)) {
        throw new UsageError(`--max-messages must be a positive integer, got "${flags.maxMessages}"`);
      }
      const partition = flags.partition === undefined ? undefined : nonNegative(flags.partition, '--partition');
      const offset = flags.offset === undefined ? undefined : String(nonNegative(flags.offset, '--offset'));
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
            if (!flags.json) process.stderr.write(pc.dim(`following ${name}${only}${start} (Ctrl-C to stop)\n`));
          },
          onRecord: (record) => {
            process.stdout.write(flags.json ? `${JSON.stringify(record, jsonReplacer)}\n` : formatRecord(record));
          },
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

/** The topic named on the command line, or the config's first; unknown names are taken as they are. */
export function pickTopic(command: Command, name: string | undefined): TopicConfig {
  const config = loadConfig(command.optsWithGlobals().config as string);
  const first = config.topics[0]!;
  if (name === undefined) return first;
  return (
    config.topics.find((t) => t.name === name) ?? {
      ...first,
      name,
      deadLetterTopic: `${name}.dlq`,
    }
  );
}

export function formatRecord(record: TailRecord): string {
  const where = `${record.topic}[${record.partition}]@${record.offset}`;
  const schema =
    record.schemaId === undefined
      ? ''
      : `schema ${record.schemaId}${record.subject ? ` (${record.subject} v${record.version})` : ''}`;
  const head = [
    pc.dim(record.timestamp),
    where,
    `key=${record.key ?? '∅'}`,
    record.eventType ? pc.cyan(record.eventType) : '',
    pc.dim(schema),
  ]
    .filter(Boolean)
    .join('  ');
  const lines = [head];
  const own = Object.entries(record.headers).filter(([name]) => !name.startsWith('dlq.'));
  if (own.length > 0) lines.push(`  ${pc.dim('headers')} ${own.map(([k, v]) => `${k}=${v}`).join('  ')}`);
  if (record.error) {
    const label = record.error.fault === 'environment' ? 'not decoded' : 'undecodable';
    lines.push(`  ${pc.red(`${label} (${record.error.code})`)}: ${record.error.message}`);
    const p = record.preview;
    if (p) {
      const size = p.truncated ? `first ${p.hex.split(' ').length} of ${p.length} bytes` : `${p.length} bytes`;
      lines.push(`  ${pc.dim(`value (${size})`)} hex ${p.hex}`, `    utf8 ${p.utf8}`, `    base64 ${p.base64}`);
    }
  } else {
    lines.push(`  ${JSON.stringify(record.value, jsonReplacer)}`);
  }
  const dl = record.deadLetter;
  if (dl) {
    lines.push(
      `  ${pc.yellow('dead-lettered')} ${dl.reason} from ${dl.originalTopic}[${dl.originalPartition}]@${dl.originalOffset} ` +
        `after ${dl.attempts} attempt(s) by ${dl.consumerGroup}: ${dl.errorClass} (${dl.errorCode}) ${dl.errorMessage}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function nonNegative(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new UsageError(`${flag} must be a non-negative integer, got "${value}"`);
  return n;
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
