import type { Command } from 'commander';
import {
  DEAD_LETTER_REASONS,
  entryPosition,
  headerStrings,
  readDeadLetters,
  replayDeadLetters,
  type DeadLetterEntry,
  type DeadLetterInfo,
} from '../../dlq';
import { UsageError } from '../../errors';
import { resolveKafka } from '../../kafka/client';
import { countDeadLetters } from '../../monitor';
import { previewBytes } from '../../wire/preview';
import { colorsFor } from '../print/output';
import { pickTopic } from './tail';

const pc = colorsFor(process.stdout);

interface SelectFlags {
  group?: string;
  reason?: string;
  eventType?: string;
  timeout?: string;
  brokers?: string;
}

interface ShowFlags extends SelectFlags {
  json?: boolean;
  maxMessages?: string;
  bytes?: string;
}

interface ReplayFlags extends SelectFlags {
  dryRun?: boolean;
}

export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('inspect dead-lettered records and replay them to the group that failed them');
  const selecting = (command: Command) =>
    command
      .argument('[topic]', 'topic of the config whose dead-letter topic to read (default: the first one)')
      .option('--group <id>', 'only records this consumer group dead-lettered')
      .option('--reason <reason>', `only records dead-lettered for this reason (${DEAD_LETTER_REASONS.join(', ')})`)
      .option('--event-type <type>', 'only records of this event type')
      .option('--timeout <ms>', 'give up reading after this long', '60000')
      .option('--brokers <list>', 'Kafka brokers, comma-separated (default KAFKA_BROKERS)');

  selecting(dlq.command('list'))
    .description('count dead letters per group and reason, and how many were replayed')
    .action(async (topicArg: string | undefined, flags: SelectFlags, command: Command) => {
      const { entries, deadLetterTopic } = await select(command, topicArg, flags);
      const rows = countDeadLetters(entries, () => null);
      process.stdout.write(`${deadLetterTopic}: ${entries.length} record(s)\n`);
      if (rows.length === 0) return;
      const table = [['group', 'reason', 'error codes', 'records', 'replayed', 'pending']];
      for (const r of rows) {
        table.push([
          r.group || '(no dead-letter headers)',
          r.reason || '-',
          r.errorCodes.join(',') || '-',
          String(r.records),
          String(r.replayed),
          String(r.pending),
        ]);
      }
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table)
        process.stdout.write(
          `${row
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join('  ')
            .trimEnd()}\n`,
        );
    });

  selecting(dlq.command('show'))
    .description(
      'print dead-lettered records: where they came from, why, their headers and their raw bytes (hex, UTF-8, base64)',
    )
    .option('--json', 'one JSON object per line')
    .option('-n, --max-messages <n>', 'print at most n records')
    .option('--bytes <n>', 'bytes of the value to preview', '64')
    .action(async (topicArg: string | undefined, flags: ShowFlags, command: Command) => {
      const { entries } = await select(command, topicArg, flags);
      const max = flags.maxMessages === undefined ? entries.length : positive(flags.maxMessages, '--max-messages');
      const bytes = positive(flags.bytes ?? '64', '--bytes');
      for (const entry of entries.slice(0, max)) {
        process.stdout.write(flags.json ? `${JSON.stringify(toJson(entry, bytes))}\n` : formatEntry(entry, bytes));
      }
    });

  selecting(dlq.command('replay'))
    .description('re-publish the dead letters of one consumer group, byte for byte, to that group only, once')
    .option('--dry-run', 'count what would be replayed; send nothing')
    .action(async (topicArg: string | undefined, flags: ReplayFlags, command: Command) => {
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
        timeoutMs: Number(flags.timeout),
        filter: matches(flags),
      });
      const verb = flags.dryRun ? 'would replay' : 'replayed';
      const notes = [
        result.alreadyReplayed > 0 ? `${result.alreadyReplayed} already replayed` : '',
        result.duplicates > 0
          ? `${result.duplicates} duplicate cop${result.duplicates === 1 ? 'y' : 'ies'} of the same message`
          : '',
        result.skipped > 0 ? `${result.skipped} of other groups or filtered out` : '',
        result.truncated > 0 ? `${result.truncated} truncated (too large to keep whole), not replayable` : '',
      ].filter(Boolean);
      process.stdout.write(
        `${verb} ${result.replayed} record(s) from ${result.deadLetterTopic} to ${topic.name} for group ${flags.group}` +
          `${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`,
      );
    });
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

async function select(command: Command, topicArg: string | undefined, flags: SelectFlags) {
  const topic = pickTopic(command, topicArg);
  const filter = matches(flags);
  const kafka = resolveKafka({ brokers: flags.brokers }, 'contracts-dlq');
  const all = await readDeadLetters(kafka, topic.deadLetterTopic, Number(flags.timeout));
  const unfiltered = !flags.group && !flags.reason && !flags.eventType;
  return {
    deadLetterTopic: topic.deadLetterTopic,
    entries: unfiltered ? all : all.filter((e) => e.info !== undefined && filter(e.info)),
  };
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function toJson(entry: DeadLetterEntry, bytes: number) {
  const headers = headerStrings(entry.headers);
  return {
    ...entryPosition(entry),
    deadLetter: entry.info,
    replayed: entry.replayed,
    headers,
    value: previewBytes(entry.value, bytes),
  };
}

function formatEntry(entry: DeadLetterEntry, bytes: number): string {
  const json = toJson(entry, bytes);
  const dl = entry.info;
  const lines = [
    `${pc.dim(json.timestamp)}  [${entry.partition}]@${entry.offset}  key=${json.key ?? '∅'}  ${entry.replayed ? pc.green('replayed') : pc.yellow('pending')}`,
  ];
  if (dl) {
    lines.push(
      `  ${dl.reason} (${dl.errorCode}) by group ${dl.consumerGroup} from ${dl.originalTopic}[${dl.originalPartition}]@${dl.originalOffset}` +
        `${dl.eventType ? `, ${dl.eventType}` : ''}, after ${dl.attempts} attempt(s) at ${dl.deadLetteredAt}`,
      `  ${dl.errorClass}: ${dl.errorMessage}`,
    );
  } else {
    lines.push(`  ${pc.red('no dead-letter headers')} (not written by the kit)`);
  }
  const own = Object.entries(json.headers).filter(([name]) => !name.startsWith('dlq.'));
  if (own.length > 0) lines.push(`  headers: ${own.map(([k, v]) => `${k}=${v}`).join('  ')}`);
  const v = json.value;
  const more = v.truncated ? ` (first ${bytes} of ${v.length} bytes)` : ` (${v.length} bytes)`;
  lines.push(`  value${more}`, `    hex:    ${v.hex}`, `    utf8:   ${v.utf8}`, `    base64: ${v.base64}`);
  return `${lines.join('\n')}\n`;
}
