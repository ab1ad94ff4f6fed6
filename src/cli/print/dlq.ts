/** Printers for `contracts dlq list|show|replay`. */
import { entryPosition, headerStrings, type DeadLetterEntry, type ReplayResult } from '../../dlq';
import type { DeadLetterSelection } from '../../monitor';
import { previewBytes } from '../../wire/preview';
import type { PrintContext } from './check';
import { json } from './output';

/** `dlq list`: the records per group and reason, replayed and pending. */
export function renderDeadLetterCounts(selection: DeadLetterSelection, ctx: PrintContext): string {
  const { deadLetterTopic, entries, counts } = selection;
  if (ctx.format === 'json') {
    return json({ deadLetterTopic, records: entries.length, counts: counts.map(({ replay: _replay, ...row }) => row) });
  }
  const out = [`${deadLetterTopic}: ${entries.length} record(s)`];
  if (counts.length > 0) {
    const table = [['group', 'reason', 'error codes', 'records', 'replayed', 'pending']];
    for (const r of counts) {
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
      out.push(
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
  }
  return `${out.join('\n')}\n`;
}

function toJson(entry: DeadLetterEntry, bytes: number) {
  return {
    ...entryPosition(entry),
    deadLetter: entry.info,
    replayed: entry.replayed,
    headers: headerStrings(entry.headers),
    value: previewBytes(entry.value, bytes),
  };
}

/** `dlq show`: one record, with `bytes` of its value previewed (JSON: one object per line). */
export function renderDeadLetterEntry(entry: DeadLetterEntry, bytes: number, ctx: PrintContext): string {
  const record = toJson(entry, bytes);
  if (ctx.format === 'json') return `${JSON.stringify(record)}\n`;
  const pc = ctx.colors;
  const dl = entry.info;
  const lines = [
    `${pc.dim(record.timestamp)}  [${entry.partition}]@${entry.offset}  key=${record.key ?? '∅'}  ${entry.replayed ? pc.green('replayed') : pc.yellow('pending')}`,
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
  const own = Object.entries(record.headers).filter(([name]) => !name.startsWith('dlq.'));
  if (own.length > 0) lines.push(`  headers: ${own.map(([k, v]) => `${k}=${v}`).join('  ')}`);
  const v = record.value;
  const more = v.truncated ? ` (first ${bytes} of ${v.length} bytes)` : ` (${v.length} bytes)`;
  lines.push(`  value${more}`, `    hex:    ${v.hex}`, `    utf8:   ${v.utf8}`, `    base64: ${v.base64}`);
  return `${lines.join('\n')}\n`;
}

/** `dlq replay`: what was (or, on a dry run, would be) sent back to `topic` for `group`. */
export function renderReplay(
  result: ReplayResult,
  replay: { topic: string; group: string; dryRun: boolean },
  ctx: PrintContext,
): string {
  if (ctx.format === 'json') return json({ ...replay, ...result });
  const notes = [
    result.alreadyReplayed > 0 ? `${result.alreadyReplayed} already replayed` : '',
    result.duplicates > 0
      ? `${result.duplicates} duplicate cop${result.duplicates === 1 ? 'y' : 'ies'} of the same message`
      : '',
    result.skipped > 0 ? `${result.skipped} of other groups or filtered out` : '',
    result.truncated > 0 ? `${result.truncated} truncated (too large to keep whole), not replayable` : '',
  ].filter(Boolean);
  return (
    `${replay.dryRun ? 'would replay' : 'replayed'} ${result.replayed} record(s) from ${result.deadLetterTopic} to ${replay.topic} for group ${replay.group}` +
    `${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`
  );
}
