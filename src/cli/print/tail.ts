/** Printer for `contracts tail`: a record per entry, decoded with its schema (text), or one JSON object per line. */
import { jsonReplacer } from '../../json-text';
import type { TailRecord } from '../../tail';
import type { PrintContext } from './check';
import type { Colors } from './output';

export function renderTailRecord(record: TailRecord, ctx: PrintContext): string {
  return ctx.format === 'json' ? `${JSON.stringify(record, jsonReplacer)}\n` : formatRecord(record, ctx.colors);
}

function formatRecord(record: TailRecord, pc: Colors): string {
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
