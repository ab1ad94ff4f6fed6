/**
 * A dead-letter topic as the monitor shows it: counts per consumer group and reason (what
 * `contracts dlq list` prints), and each record with its original coordinates, error, original
 * bytes and decoded value, and the `contracts dlq replay` command for a selection. Read-only: the
 * records are read with `src/dlq`'s reader and decoded with `src/tail`'s decoder.
 */
import type { Kafka } from 'kafkajs';
import {
  entryPosition,
  readDeadLetters,
  withoutDeadLetterHeaders,
  headerStrings,
  type DeadLetterEntry,
  type DeadLetterInfo,
} from '../dlq';
import type { SchemaRegistryClient } from '../registry/types';
import { createGenericDecoder, type TailRecord } from '../tail';
import { previewBytes, type BytesPreview } from '../wire/preview';

export interface DeadLetterCount {
  /** The group that gave up on the records ('' when a record has no dead-letter headers). */
  group: string;
  reason: string;
  records: number;
  replayed: number;
  pending: number;
  errorCodes: string[];
  /** The command that replays this selection to its group (the page runs nothing). */
  replay: string | null;
}

export interface DeadLetterRecord {
  /** Where the record is in the dead-letter topic. */
  partition: number;
  offset: string;
  /** ISO 8601, the dead-letter record's Kafka timestamp. */
  timestamp: string;
  key: string | null;
  info: DeadLetterInfo | undefined;
  replayed: boolean;
  /** The original message's own headers (without the dlq.* ones). */
  headers: Record<string, string>;
  /** The original value's bytes (not shown to a masked reader: they hold what the mask hides). */
  bytes: BytesPreview | undefined;
  decoded: Pick<TailRecord, 'schemaId' | 'subject' | 'version' | 'eventType' | 'value' | 'error' | 'masked'>;
}

export interface DeadLetterView {
  topic: string;
  deadLetterTopic: string;
  counts: DeadLetterCount[];
  records: DeadLetterRecord[];
}

export interface DeadLetterReadOptions {
  kafka: Kafka;
  registry: SchemaRegistryClient;
  topic: string;
  deadLetterTopic: string;
  discriminator: string;
  /** How the CLI is started where the UI runs (`npx contracts`, `node bin/contracts.js`). */
  cli: string;
  /** Only this group / reason. */
  group?: string;
  reason?: string;
  /** Bytes of each value to preview. Default 256. */
  previewBytes?: number;
  timeoutMs?: number;
  /** Mask the fields tagged with these (a viewer's page): createGenericDecoder's `mask`; no bytes are shown then. */
  mask?: ReadonlySet<string>;
}

/** The counts alone: what the overview shows per topic. */
export function countDeadLetters(
  entries: ReadonlyArray<{ info: DeadLetterInfo | undefined; replayed: boolean }>,
  replay: (group: string, reason: string) => string | null,
): DeadLetterCount[] {
  const rows = new Map<string, DeadLetterCount & { codes: Set<string> }>();
  for (const { info, replayed } of entries) {
    const group = info?.consumerGroup ?? '';
    const reason = info?.reason ?? '';
    const key = JSON.stringify([group, reason]);
    const row = rows.get(key) ?? {
      group,
      reason,
      records: 0,
      replayed: 0,
      pending: 0,
      errorCodes: [],
      codes: new Set<string>(),
      replay: group ? replay(group, reason) : null,
    };
    if (info?.errorCode) row.codes.add(info.errorCode);
    row.records += 1;
    if (replayed) row.replayed += 1;
    row.pending = row.records - row.replayed;
    rows.set(key, row);
  }
  return [...rows.values()]
    .map(({ codes, ...row }) => ({ ...row, errorCodes: [...codes].sort() }))
    .sort((a, b) => a.group.localeCompare(b.group) || a.reason.localeCompare(b.reason));
}

export interface DeadLetterSelectOptions {
  kafka: Kafka;
  deadLetterTopic: string;
  /** Keep only the records whose dead-letter headers pass; records without them are dropped. */
  filter?: (info: DeadLetterInfo) => boolean;
  timeoutMs?: number;
}

export interface DeadLetterSelection {
  deadLetterTopic: string;
  /** The selected records, in the topic's order. */
  entries: DeadLetterEntry[];
  /** Their counts per group and reason (what `contracts dlq list` prints). */
  counts: DeadLetterCount[];
}

/** `contracts dlq list|show`: the dead-letter topic's records (those the filter keeps) and their counts. */
export async function selectDeadLetters(options: DeadLetterSelectOptions): Promise<DeadLetterSelection> {
  const all = await readDeadLetters(options.kafka, options.deadLetterTopic, options.timeoutMs);
  const { filter } = options;
  const entries = filter ? all.filter((e) => e.info !== undefined && filter(e.info)) : all;
  return { deadLetterTopic: options.deadLetterTopic, entries, counts: countDeadLetters(entries, () => null) };
}

/** `contracts dlq replay <topic> --group <g> --reason <r>`, quoted for a POSIX shell. */
export function replayCommand(cli: string, topic: string, group: string, reason?: string): string {
  const parts = [cli, 'dlq', 'replay', shellWord(topic), '--group', shellWord(group)];
  if (reason) parts.push('--reason', shellWord(reason));
  return parts.join(' ');
}

function shellWord(word: string): string {
  return /^[\w.,:/@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export async function readDeadLetterView(options: DeadLetterReadOptions): Promise<DeadLetterView> {
  const entries = await readDeadLetters(options.kafka, options.deadLetterTopic, options.timeoutMs);
  const replay = (group: string, reason: string) => replayCommand(options.cli, options.topic, group, reason);
  const decode = createGenericDecoder(options.registry, options.discriminator, { mask: options.mask });
  const chosen = entries.filter(
    (e) =>
      (options.group === undefined || (e.info?.consumerGroup ?? '') === options.group) &&
      (options.reason === undefined || (e.info?.reason ?? '') === options.reason),
  );
  const records: DeadLetterRecord[] = [];
  for (const entry of chosen) {
    const { failure: _failure, ...decoded } = await decode(entry.value, entry.info?.originalTopic ?? options.topic);
    const headers = headerStrings(withoutDeadLetterHeaders(entry.headers));
    records.push({
      ...entryPosition(entry),
      info: entry.info,
      replayed: entry.replayed,
      headers,
      bytes: options.mask ? undefined : previewBytes(entry.value, options.previewBytes ?? 256),
      decoded,
    });
  }
  // newest first: what broke last is what an operator looks for
  records.reverse();
  return {
    topic: options.topic,
    deadLetterTopic: options.deadLetterTopic,
    counts: countDeadLetters(entries, replay),
    records,
  };
}
