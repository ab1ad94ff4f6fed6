import type { Command } from 'commander';
import { DEAD_LETTER_REASONS, replayDeadLetters, type DeadLetterInfo } from '../../dlq';
import { UsageError } from '../../errors';
import { resolveKafka } from '../../kafka/client';
import { selectDeadLetters } from '../../monitor';
import { renderDeadLetterCounts, renderDeadLetterEntry, renderReplay } from '../print/dlq';
import type { OutputFormat } from '../print/output';
import {
  durationHelp,
  integerFlag,
  parseDuration,
  pickTopic,
  printContext,
  withFormat,
  type FormatFlags,
} from './shared';

interface SelectFlags extends FormatFlags {
  group?: string;
  reason?: string;
  eventType?: string;
  timeout: string;
  brokers?: string;
}

interface ShowFlags extends SelectFlags {
  maxMessages?: string;
  bytes: string;
}

interface ReplayFlags extends SelectFlags {
  dryRun?: boolean;
}

const FORMATS: OutputFormat[] = ['text', 'json'];

export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('inspect dead-lettered records and replay them to the group that failed them');
  const selecting = (command: Command, options: { legacyJson?: boolean; what?: string } = {}) =>
    withFormat(
      command
        .argument('[topic]', 'topic of the config whose dead-letter topic to read (default: the first one)')
        .option('--group <id>', 'only records this consumer group dead-lettered')
        .option('--reason <reason>', `only records dead-lettered for this reason (${DEAD_LETTER_REASONS.join(', ')})`)
        .option('--event-type <type>', 'only records of this event type')
        .option('--timeout <duration>', durationHelp('give up reading after this long', 'ms'), '60s')
        .option('--brokers <list>', 'Kafka brokers, comma-separated (default KAFKA_BROKERS)'),
      FORMATS,
      options,
    );

  selecting(dlq.command('list'))
    .description('count dead letters per group and reason, and how many were replayed')
    .action(async (topicArg: string | undefined, flags: SelectFlags, command: Command) => {
      const ctx = printContext(flags, FORMATS);
      process.stdout.write(renderDeadLetterCounts(await select(command, topicArg, flags), ctx));
    });

  selecting(dlq.command('show'), { legacyJson: true, what: 'json: one object per line' })
    .description(
      'print dead-lettered records: where they came from, why, their headers and their raw bytes (hex, UTF-8, base64)',
    )
    .option('-n, --max-messages <n>', 'print at most n records')
    .option('--bytes <n>', 'bytes of the value to preview', '64')
    .action(async (topicArg: string | undefined, flags: ShowFlags, command: Command) => {
      const ctx = printContext(flags, FORMATS);
      const max = integerFlag(flags.maxMessages, '--max-messages', 1);
      const bytes = integerFlag(flags.bytes, '--bytes', 1)!;
      const { entries } = await select(command, topicArg, flags);
      for (const entry of entries.slice(0, max)) process.stdout.write(renderDeadLetterEntry(entry, bytes, ctx));
    });

  selecting(dlq.command('replay'))
    .description('re-publish the dead letters of one consumer group, byte for byte, to that group only, once')
    .option('--dry-run', 'count what would be replayed; send nothing')
    .action(async (topicArg: string | undefined, flags: ReplayFlags, command: Command) => {
      const ctx = printContext(flags, FORMATS);
      const topic = pickTopic(command, topicArg);
      if (!flags.group) {
        throw new UsageError(
          'replay needs --group: the consumer group whose dead letters to replay (only that group receives them)',
          '`contracts dlq list` shows the groups that dead-lettered records',
        );
      }
      const result = await replayDeadLetters({
        contract: { topic: topic.name, deadLetterTopic: topic.deadLetterTopic },
        group: flags.group,
        brokers: flags.brokers,
        dryRun: flags.dryRun,
        timeoutMs: timeoutOf(flags),
        filter: matches(flags),
      });
      process.stdout.write(
        renderReplay(result, { topic: topic.name, group: flags.group, dryRun: Boolean(flags.dryRun) }, ctx),
      );
    });
}

function timeoutOf(flags: SelectFlags): number {
  return parseDuration(flags.timeout, '--timeout', 'ms');
}

function matches(flags: SelectFlags): (info: DeadLetterInfo) => boolean {
  if (flags.reason && !(DEAD_LETTER_REASONS as readonly string[]).includes(flags.reason)) {
    throw new UsageError(`unknown reason "${flags.reason}"`, `use one of ${DEAD_LETTER_REASONS.join(', ')}`);
  }
  return (info) =>
    (!flags.group || info.consumerGroup === flags.group) &&
    (!flags.reason || info.reason === flags.reason) &&
    (!flags.eventType || info.eventType === flags.eventType);
}

function select(command: Command, topicArg: string | undefined, flags: SelectFlags) {
  const topic = pickTopic(command, topicArg);
  const filter = matches(flags);
  const timeoutMs = timeoutOf(flags);
  return selectDeadLetters({
    kafka: resolveKafka({ brokers: flags.brokers }, 'contracts-dlq'),
    deadLetterTopic: topic.deadLetterTopic,
    filter: !flags.group && !flags.reason && !flags.eventType ? undefined : filter,
    timeoutMs,
  });
}
