/**
 * Follows a topic and decodes each record by the schema its header names, whatever that schema is
 * (no generated contract needed): what the seed's kafka-console-consumer scripts showed, plus the
 * event type, the schema ID with its subject and version, the headers, and for bytes it cannot
 * decode a preview of them with the same error code a consumer's dead-letter record gives.
 *
 * Read-only: it never creates the topic and never commits. When the environment fails (the
 * registry unreachable or refusing the credentials), it shows the record it could not decode and
 * then stops with that error, instead of labelling every good record undecodable.
 */
import { randomBytes } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { readDeadLetterHeaders, headerStrings, type DeadLetterInfo } from '../dlq/headers';
import { classify } from '../consumer/decide';
import { isContractsError, UsageError } from '../errors';
import { DEFAULT_SCHEMA_TYPE, findFormat, formatOf, type SchemaReader } from '../formats';
import { assertTopicsExist } from '../kafka/admin';
import { brokersOf, resolveKafka, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { fetchSchema } from '../serde';
import { withReferences } from '../formats/references';
import { resolveRegistry, type RegistrySource } from '../registry/resolve';
import type { SchemaRegistryClient } from '../registry/types';
import { decodeFrame } from '../wire/decode';
import { previewBytes, type BytesPreview } from '../wire/preview';

export interface TailOptions extends KafkaConnectionOptions {
  topic: string;
  registry?: RegistrySource;
  /** Field that names the event type. Default `eventType`. */
  discriminator?: string;
  fromBeginning?: boolean;
  /** Only this partition. */
  partition?: number;
  /** Start at this offset (of `partition`, or of every partition). */
  offset?: string;
  /** Start at the first record at or after this time (ms since the epoch). */
  fromTime?: number;
  /** Bytes of an undecodable value to preview. Default 64. */
  previewBytes?: number;
  /** Stop after this many records. */
  maxMessages?: number;
  /** Stop when aborted (Ctrl-C in the CLI). */
  signal?: AbortSignal;
  onRecord: (record: TailRecord) => void | Promise<void>;
  /** Called once the topic (and partition) are known to exist, before the first record. */
  onStarted?: () => void;
}

export interface TailRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Kafka timestamp, ISO 8601. */
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  schemaId: number | undefined;
  subject: string | undefined;
  version: number | undefined;
  eventType: string | undefined;
  /** The decoded value (Avro records as plain objects, timestamps as Dates). */
  value: unknown;
  /** Why the value could not be decoded: the message's fault (WIRE_FORMAT, SCHEMA_NOT_FOUND, DECODE_FAILED) or the environment's (REGISTRY_AUTH, REGISTRY_UNREACHABLE, REGISTRY_HTTP). */
  error: { code: string; message: string; fault: 'message' | 'environment' } | undefined;
  /** The raw value, when it could not be decoded (never when the decoder masks). */
  preview: BytesPreview | undefined;
  deadLetter: DeadLetterInfo | undefined;
  /** Dotted paths of the values the decoder masked (its `mask` tags), when it masked any. */
  masked?: string[];
}

/** What a masked value shows instead. */
export const MASKED = '••• masked';

export async function tailTopic(options: TailOptions): Promise<{ count: number }> {
  const registry = resolveRegistry(options.registry);
  const decoder = createGenericDecoder(registry, options.discriminator ?? 'eventType');
  const kafka = resolveKafka(options, 'contracts-tail');
  if (options.signal?.aborted) return { count: 0 };
  const seeks = await startPositions(kafka, options);
  options.onStarted?.();
  const consumer = kafka.consumer({
    groupId: `contracts-tail-${randomBytes(4).toString('hex')}`,
    allowAutoTopicCreation: false,
  });
  let count = 0;
  let environmentFailure: unknown;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const full = () => options.maxMessages !== undefined && count >= options.maxMessages;
  options.signal?.addEventListener('abort', () => finish(), { once: true });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (full() || environmentFailure !== undefined) return;
        if (options.partition !== undefined && partition !== options.partition) return;
        const deadLetter = readDeadLetterHeaders(message.headers);
        // one schema can be registered under many subjects: name the one of the record's own topic
        const { failure, ...decoded } = await decoder(message.value, deadLetter?.originalTopic ?? topic);
        count += 1;
        await options.onRecord(toTailRecord(topic, partition, message, decoded, options.previewBytes));
        // the next records would fail the same way: say so once, and stop
        if (decoded.error?.fault === 'environment') environmentFailure = failure;
        if (full() || environmentFailure !== undefined) finish();
      },
    });
    for (const seek of seeks) consumer.seek({ topic: options.topic, ...seek });
    await done;
  } catch (error) {
    throw toKafkaError(error, 'tailing', options.topic);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  if (environmentFailure !== undefined) throw environmentFailure;
  return { count };
}

/** Checks that the topic (and partition) exist, and where --offset / --from start each partition. */
async function startPositions(
  kafka: ReturnType<typeof resolveKafka>,
  options: TailOptions,
): Promise<Array<{ partition: number; offset: string }>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    // read-only: a missing topic is an error, never created by asking for it
    await assertTopicsExist(admin, [options.topic], brokersOf(options));
    const partitions = (await admin.fetchTopicOffsets(options.topic)).map((p) => p.partition).sort((a, b) => a - b);
    if (options.partition !== undefined && !partitions.includes(options.partition)) {
      throw new UsageError(
        `topic ${options.topic} has no partition ${options.partition}`,
        `use one of ${partitions.join(', ')}`,
      );
    }
    const chosen = options.partition === undefined ? partitions : [options.partition];
    if (options.fromTime !== undefined) {
      const byTime = await admin.fetchTopicOffsetsByTimestamp(options.topic, options.fromTime);
      // -1: nothing at or after that time yet; start at the end
      const ends = new Map((await admin.fetchTopicOffsets(options.topic)).map((p) => [p.partition, p.high]));
      return byTime
        .filter((p) => chosen.includes(p.partition))
        .map((p) => ({ partition: p.partition, offset: p.offset === '-1' ? ends.get(p.partition)! : p.offset }));
    }
    if (options.offset !== undefined) return chosen.map((partition) => ({ partition, offset: options.offset! }));
    return [];
  } catch (error) {
    throw toKafkaError(error, 'reading the offsets', options.topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** A consumed message as `contracts tail` and the UI's live tail show it. */
export function toTailRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
  decoded: Omit<Decoded, 'failure'>,
  /** Bytes of an undecodable value to show; false: none (a masked reader's). */
  preview?: number | false,
): TailRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    key: message.key ? message.key.toString('utf8') : null,
    headers: headerStrings(message.headers),
    ...decoded,
    preview: decoded.error && preview !== false ? previewBytes(message.value, preview) : undefined,
    deadLetter: readDeadLetterHeaders(message.headers),
  };
}

type Decoded = Pick<TailRecord, 'schemaId' | 'subject' | 'version' | 'eventType' | 'value' | 'error' | 'masked'> & {
  failure?: unknown;
};

export interface GenericDecoderOptions {
  /**
   * Replace the values of fields the writer schema tags with one of these (`confluent:tags`, e.g.
   * PII) by MASKED: the UI's viewers. A value that cannot be decoded has nothing shown of it.
   */
  mask?: ReadonlySet<string>;
}

/** Decodes by the writer schema alone; never throws (an undecodable record is shown with its error). */
export function createGenericDecoder(
  registry: SchemaRegistryClient,
  discriminator: string,
  decoderOptions: GenericDecoderOptions = {},
) {
  const { mask } = decoderOptions;
  const readers = new Map<number, Promise<SchemaReader>>();
  const tagged = new Map<number, Promise<string[][]>>();
  /** The writer schema's tagged fields (with its references, which a JSON reader does not need to decode). */
  const taggedFor = (id: number, tags: ReadonlySet<string>) => {
    let hit = tagged.get(id);
    if (!hit) {
      hit = (async () => {
        const root = await fetchSchema(registry, id);
        const format = findFormat(root.schemaType) ?? formatOf(DEFAULT_SCHEMA_TYPE);
        if (!format.codec.taggedFields) return [];
        return format.codec.taggedFields(await withReferences(registry, root), tags);
      })();
      tagged.set(id, hit);
      hit.catch(() => tagged.delete(id));
    }
    return hit;
  };
  const names = new Map<number, Promise<Array<{ subject: string; version: number }>>>();
  const readerFor = (id: number) => {
    let hit = readers.get(id);
    if (!hit) {
      hit = (async () => {
        const root = await fetchSchema(registry, id);
        // a schema type the kit has no format for is tried as the API's default (and fails as a body)
        const format = findFormat(root.schemaType) ?? formatOf(DEFAULT_SCHEMA_TYPE);
        const all = format.codec.readsWithReferences ? await withReferences(registry, root) : [root];
        return format.codec.schemaReader(all);
      })();
      readers.set(id, hit);
      hit.catch(() => readers.delete(id));
    }
    return hit;
  };
  const subjectsFor = (id: number) => {
    let hit = names.get(id);
    if (!hit) {
      hit = registry.getSubjectVersionsById(id).catch(() => []);
      names.set(id, hit);
    }
    return hit;
  };
  return async (value: Buffer | null, topic: string): Promise<Decoded> => {
    const result: Decoded = {
      schemaId: undefined,
      subject: undefined,
      version: undefined,
      eventType: undefined,
      value: undefined,
      error: undefined,
    };
    try {
      const { schemaId, body } = decodeFrame(value);
      result.schemaId = schemaId;
      const found = await subjectsFor(schemaId);
      const preferred =
        found.find((s) => s.subject === `${topic}-value`) ??
        found.find((s) => s.subject.endsWith('-value')) ??
        found[0];
      result.subject = preferred?.subject;
      result.version = preferred?.version;
      const read = await readerFor(schemaId);
      const decoded = read(body);
      if (mask) {
        const masked = maskFields(decoded, await taggedFor(schemaId, mask));
        if (masked.length > 0) result.masked = masked;
      }
      result.value = decoded;
      const stated =
        decoded && typeof decoded === 'object' ? (decoded as Record<string, unknown>)[discriminator] : undefined;
      result.eventType = typeof stated === 'string' ? stated : undefined;
    } catch (error) {
      // a parse error of avsc or JSON is the body's fault: DECODE_FAILED, as the consumer says
      const code = isContractsError(error) ? error.code : 'DECODE_FAILED';
      result.error = {
        code,
        message: error instanceof Error ? error.message : String(error),
        fault: isContractsError(error) ? classify(error).fault : 'message',
      };
      result.failure = error;
    }
    return result;
  };
}

/**
 * Replaces the values at `paths` (names, `*` for every item or map value) by MASKED, in place; the
 * dotted paths it masked. A union the decoder kept wrapped (`{ "ns.Name": {...} }`) is looked into.
 */
export function maskFields(value: unknown, paths: readonly string[][]): string[] {
  const masked: string[] = [];
  const walk = (at: unknown, path: readonly string[], i: number, trail: string[]): void => {
    if (at === null || typeof at !== 'object') return;
    const part = path[i]!;
    const last = i === path.length - 1;
    const entries: Array<[string, unknown]> =
      part === '*'
        ? Array.isArray(at)
          ? at.map((v, k) => [String(k), v])
          : Object.entries(at)
        : Object.prototype.hasOwnProperty.call(at, part)
          ? [[part, (at as Record<string, unknown>)[part]]]
          : [];
    if (entries.length === 0 && part !== '*' && !Array.isArray(at)) {
      // a wrapped union branch: one key naming the type
      const keys = Object.keys(at);
      if (keys.length === 1) walk((at as Record<string, unknown>)[keys[0]!], path, i, [...trail, keys[0]!]);
      return;
    }
    for (const [key, child] of entries) {
      if (last) {
        if (child === null || child === undefined) continue;
        (at as Record<string, unknown>)[key] = MASKED;
        masked.push([...trail, key].join('.'));
      } else {
        walk(child, path, i + 1, [...trail, key]);
      }
    }
  };
  for (const path of paths) if (path.length > 0) walk(value, path, 0, []);
  return masked;
}
