/**
 * Finding messages on a topic: a window of each partition read from an offset or a time, oldest or
 * newest first, decoded by `src/tail`'s decoder (the schema each record's header names) and
 * filtered on the decoded event by key, event type, schema version and a field's value. The
 * filter runs here, on the server, so the page receives only what matches. Never commits.
 */
import type { Kafka } from 'kafkajs';
import { readDeadLetterHeaders, headerStrings } from '../dlq/headers';
import { UsageError } from '../errors';
import { assertTopicsExist } from '../kafka/admin';
import { toKafkaError } from '../kafka/client';
import { readRanges, type OffsetRange } from '../kafka/read';
import type { SchemaRegistryClient } from '../registry/types';
import { createGenericDecoder, type TailRecord } from '../tail';
import { previewBytes } from '../wire/preview';

export interface MessageQuery {
  topic: string;
  /** Only this partition; default all. */
  partition?: number;
  /** Start here (oldest first) or end here, inclusive (newest first); needs `partition`. */
  offset?: string;
  /** Start at the first record at or after this time (oldest first), or end before it (newest first), ms. */
  time?: number;
  order?: 'newest' | 'oldest';
  /** Matching records answered. Default 50, at most 500. */
  limit?: number;
  /** Records read per partition to find them. Default 1000, at most 10 000. */
  scanPerPartition?: number;
  /** The key contains this text. */
  key?: string;
  eventType?: string;
  /** The writer schema's version in its subject. */
  version?: number;
  /** A dotted path into the decoded value (`data.promoCode`, `items.0.sku`) and the value it has (as text). */
  path?: string;
  value?: string;
}

export interface MessagePage {
  topic: string;
  order: 'newest' | 'oldest';
  records: TailRecord[];
  /** Records read and decoded to find `records`. */
  scanned: number;
  /** The offsets read per partition, [from, to). */
  ranges: Array<{ partition: number; from: string; to: string }>;
  /** More matches may lie beyond the window or the limit. */
  more: boolean;
}

export interface BrowseOptions {
  kafka: Kafka;
  registry: SchemaRegistryClient;
  discriminator: string;
  timeoutMs?: number;
  /** Mask the fields tagged with these (a viewer's page): createGenericDecoder's `mask`; no bytes are shown then. */
  mask?: ReadonlySet<string>;
}

export async function browseMessages(options: BrowseOptions, query: MessageQuery): Promise<MessagePage> {
  const order = query.order ?? 'newest';
  const limit = clamp(query.limit ?? 50, 1, 500);
  const scan = BigInt(clamp(query.scanPerPartition ?? 1000, 1, 10_000));
  if (query.offset !== undefined && query.partition === undefined)
    throw new UsageError('an offset needs a partition', 'pick the partition the offset is in');
  if (query.offset !== undefined && !/^\d+$/.test(query.offset))
    throw new UsageError(`"${query.offset}" is not an offset`, 'an offset is a whole number: 0, 1, 2, …');
  const ranges = await windows(options.kafka, query, order, scan);
  const decode = createGenericDecoder(options.registry, options.discriminator, { mask: options.mask });
  const matches: TailRecord[] = [];
  let scanned = 0;
  await readRanges(
    options.kafka,
    query.topic,
    ranges,
    async (partition, message) => {
      scanned += 1;
      const key = message.key ? message.key.toString('utf8') : null;
      if (query.key && !(key ?? '').includes(query.key)) return;
      const deadLetter = readDeadLetterHeaders(message.headers);
      const { failure: _failure, ...decoded } = await decode(message.value, deadLetter?.originalTopic ?? query.topic);
      if (query.eventType && decoded.eventType !== query.eventType) return;
      if (query.version !== undefined && decoded.version !== query.version) return;
      if (query.path && !fieldMatches(decoded.value, query.path, query.value)) return;
      const headers = headerStrings(message.headers);
      matches.push({
        topic: query.topic,
        partition,
        offset: message.offset,
        timestamp: new Date(Number(message.timestamp)).toISOString(),
        key,
        headers,
        ...decoded,
        preview: decoded.error && !options.mask ? previewBytes(message.value) : undefined,
        deadLetter,
      });
    },
    { timeoutMs: options.timeoutMs ?? 30_000, groupPrefix: 'contracts-monitor' },
  );
  const sign = order === 'newest' ? -1 : 1;
  matches.sort(
    (a, b) =>
      sign * (Date.parse(a.timestamp) - Date.parse(b.timestamp)) ||
      sign * Number(BigInt(a.offset) - BigInt(b.offset)) ||
      a.partition - b.partition,
  );
  const full = ranges.some((r) => r.to - r.from === scan);
  return {
    topic: query.topic,
    order,
    records: matches.slice(0, limit),
    scanned,
    ranges: ranges.map((r) => ({ partition: r.partition, from: String(r.from), to: String(r.to) })),
    more: matches.length > limit || full,
  };
}

/** The window of each partition: `scan` records from the start (oldest first) or up to the end (newest first). */
async function windows(
  kafka: Kafka,
  query: MessageQuery,
  order: 'newest' | 'oldest',
  scan: bigint,
): Promise<OffsetRange[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await assertTopicsExist(admin, [query.topic]);
    const offsets = await admin.fetchTopicOffsets(query.topic);
    if (query.partition !== undefined && !offsets.some((p) => p.partition === query.partition)) {
      throw new UsageError(
        `topic ${query.topic} has no partition ${query.partition}`,
        `use one of ${offsets.map((p) => p.partition).join(', ')}`,
      );
    }
    const byTime =
      query.time === undefined
        ? undefined
        : new Map(
            (await admin.fetchTopicOffsetsByTimestamp(query.topic, query.time)).map((p) => [p.partition, p.offset]),
          );
    return offsets
      .filter((p) => query.partition === undefined || p.partition === query.partition)
      .map((p) => {
        const low = BigInt(p.low);
        const high = BigInt(p.high);
        // the offset of the first record at or after the time; -1: none yet (the end)
        const timed = byTime?.get(p.partition);
        const at =
          query.offset !== undefined
            ? BigInt(query.offset)
            : timed !== undefined
              ? timed === '-1'
                ? high
                : BigInt(timed)
              : undefined;
        const within = (n: bigint) => (n < low ? low : n > high ? high : n);
        if (order === 'oldest') {
          const from = within(at ?? low);
          return { partition: p.partition, from, to: within(from + scan) };
        }
        // newest first: up to the offset (inclusive), or up to the time (exclusive)
        const to = within(at === undefined ? high : query.offset !== undefined ? at + 1n : at);
        return { partition: p.partition, from: within(to - scan), to };
      });
  } catch (error) {
    throw toKafkaError(error, 'reading the offsets', query.topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The value at a dotted path, compared as text (`true`, `42`, `EUR`); without `expected`, present and not null. */
export function fieldMatches(value: unknown, path: string, expected: string | undefined): boolean {
  let at: unknown = value;
  for (const segment of path.split('.').filter(Boolean)) {
    if (at === null || typeof at !== 'object') return false;
    at = (at as Record<string, unknown>)[segment];
  }
  if (expected === undefined || expected === '') return at !== undefined && at !== null;
  if (at instanceof Date) return at.toISOString() === expected;
  if (at !== null && typeof at === 'object') return JSON.stringify(at) === expected;
  return String(at) === expected;
}

function clamp(n: number, min: number, max: number): number {
  if (!Number.isFinite(n)) return min;
  return Math.max(min, Math.min(max, Math.floor(n)));
}
