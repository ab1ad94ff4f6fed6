import type { Command } from 'commander';
import { colorsFor } from '../print/output';
import { loadConfig, type TopicConfig } from '../../config';
import { UsageError } from '../../errors';
import { tailTopic, type TailRecord } from '../../tail';

// picocolors alone colours whenever CI is set; the kit colours terminals only
const pc = colorsFor(process.stdout);

interface TailFlags {
  dlq?: boolean;
  fromBeginning?: boolean;
  json?: boolean;
  maxMessages?: string;
  brokers?: string;
  registry?: string;
}

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description('follow a topic (or its dead-letter topic) and print each record decoded with its schema')
    .argument('[topic]', 'topic of the config (default: the first one)')
    .option('--dlq', "follow the topic's dead-letter topic and show the dead-letter headers")
    .option('--from-beginning', 'start at the earliest offset instead of new records only')
    .option('--json', 'one JSON object per line')
    .option('-n, --max-messages <n>', 'stop after n records')
    .option('--brokers <list>', 'Kafka brokers, comma-separated (default KAFKA_BROKERS)')
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)')
    .action(async (topicArg: string | undefined, flags: TailFlags, command: Command) => {
      const topic = pickTopic(command, topicArg);
      const name = flags.dlq ? topic.deadLetterTopic : topic.name;
      const maxMessages = flags.maxMessages === undefined ? undefined : Number(flags.maxMessages);
      if (maxMessages !== undefined && (!Number.isInteger(maxMessages) || maxMessages < 1)) {
        throw new UsageError(`--max-messages must be a positive integer, got "${flags.maxMessages}"`);
      }
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (!flags.json) process.stderr.write(pc.dim(`following ${name}${flags.fromBeginning ? ' from the beginning' : ''} (Ctrl-C to stop)\n`));
      try {
        await tailTopic({
          topic: name,
          brokers: flags.brokers,
          registry: flags.registry,
          discriminator: topic.discriminator,
          fromBeginning: flags.fromBeginning,
          maxMessages,
          signal: abort.signal,
          onRecord: (record) => {
            process.stdout.write(flags.json ? `${JSON.stringify(record)}\n` : formatRecord(record));
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
  if (record.error) lines.push(`  ${pc.red(`undecodable (${record.error.code})`)}: ${record.error.message}`);
  else lines.push(`  ${JSON.stringify(record.value)}`);
  const dl = record.deadLetter;
  if (dl) {
    lines.push(
      `  ${pc.yellow('dead-lettered')} ${dl.reason} from ${dl.originalTopic}[${dl.originalPartition}]@${dl.originalOffset} ` +
        `after ${dl.attempts} attempt(s) by ${dl.consumerGroup}: ${dl.errorClass} (${dl.errorCode}) ${dl.errorMessage}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
