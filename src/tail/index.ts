/**
 * Follows a topic and decodes each record by the schema its header names, whatever that schema is
 * (no generated contract needed): what the seed's kafka-console-consumer scripts showed, plus the
 * event type, the schema ID with its subject and version, and the dead-letter headers.
 */
import { randomBytes } from 'node:crypto';
import type * as avro from 'avsc';
import type { IHeaders } from 'kafkajs';
import { parseAvroSchemas } from '../avro/types';
import { readDeadLetterHeaders, headerString, type DeadLetterInfo } from '../dlq/headers';
import { isContractsError } from '../errors';
import { assertTopicsExist } from '../kafka/admin';
import { brokersOf, resolveKafka, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { withReferences } from '../registry/references';
import { resolveRegistry, type RegistrySource } from '../registry/resolve';
import type { SchemaRegistryClient } from '../registry/types';
import { decodeFrame } from '../wire/decode';

export interface TailOptions extends KafkaConnectionOptions {
  topic: string;
  registry?: RegistrySource;
  /** Field that names the event type. Default `eventType`. */
  discriminator?: string;
  fromBeginning?: boolean;
  /** Stop after this many records. */
  maxMessages?: number;
  /** Stop when aborted (Ctrl-C in the CLI). */
  signal?: AbortSignal;
  onRecord: (record: TailRecord) => void | Promise<void>;
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
  /** Why the value could not be decoded. */
  error: { code: string; message: string } | undefined;
  deadLetter: DeadLetterInfo | undefined;
}

export async function tailTopic(options: TailOptions): Promise<{ count: number }> {
  const registry = resolveRegistry(options.registry);
  const decoder = createGenericDecoder(registry, options.discriminator ?? 'eventType');
  const kafka = resolveKafka(options, 'contracts-tail');
  // read-only: never create the topic by asking for it
  const admin = kafka.admin();
  try {
    await admin.connect();
    await assertTopicsExist(admin, [options.topic], brokersOf(options));
  } catch (error) {
    throw toKafkaError(error, 'reading the topic list', options.topic, brokersOf(options));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const consumer = kafka.consumer({ groupId: `contracts-tail-${randomBytes(4).toString('hex')}`, allowAutoTopicCreation: false });
  let count = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  if (options.signal?.aborted) return { count };
  options.signal?.addEventListener('abort', () => finish(), { once: true });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (options.maxMessages !== undefined && count >= options.maxMessages) return;
        const headers = stringHeaders(message.headers);
        const deadLetter = readDeadLetterHeaders(message.headers);
        // one schema can be registered under many subjects: name the one of the record's own topic
        const decoded = await decoder(message.value, deadLetter?.originalTopic ?? topic);
        count += 1;
        await options.onRecord({
          topic,
          partition,
          offset: message.offset,
          timestamp: new Date(Number(message.timestamp)).toISOString(),
          key: message.key ? message.key.toString('utf8') : null,
          headers,
          ...decoded,
          deadLetter,
        });
        if (options.maxMessages !== undefined && count >= options.maxMessages) finish();
      },
    });
    await done;
    return { count };
  } catch (error) {
    throw toKafkaError(error, 'tailing', options.topic);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

type Decoded = Pick<TailRecord, 'schemaId' | 'subject' | 'version' | 'eventType' | 'value' | 'error'>;

/** Decodes by the writer schema alone; never throws (an undecodable record is shown with its error). */
export function createGenericDecoder(registry: SchemaRegistryClient, discriminator: string) {
  const types = new Map<number, Promise<avro.Type | 'JSON'>>();
  const names = new Map<number, Promise<Array<{ subject: string; version: number }>>>();
  const typeFor = (id: number) => {
    let hit = types.get(id);
    if (!hit) {
      hit = (async () => {
        const root = await registry.getSchemaById(id);
        if (root.schemaType === 'JSON') return 'JSON' as const;
        const all = await withReferences(registry, root);
        const { types: parsed } = parseAvroSchemas(all.map((s) => JSON.parse(s.schema) as unknown));
        return parsed[parsed.length - 1]!;
      })();
      types.set(id, hit);
      hit.catch(() => types.delete(id));
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
    const result: Decoded = { schemaId: undefined, subject: undefined, version: undefined, eventType: undefined, value: undefined, error: undefined };
    try {
      const { schemaId, body } = decodeFrame(value);
      result.schemaId = schemaId;
      const found = await subjectsFor(schemaId);
      const preferred = found.find((s) => s.subject === `${topic}-value`) ?? found.find((s) => s.subject.endsWith('-value')) ?? found[0];
      result.subject = preferred?.subject;
      result.version = preferred?.version;
      const type = await typeFor(schemaId);
      let decoded: unknown = type === 'JSON' ? JSON.parse(body.toString('utf8')) : type.fromBuffer(body);
      // a wrapped union value is { "full.Name": record }
      if (type !== 'JSON' && type.typeName === 'union:wrapped' && decoded && typeof decoded === 'object') {
        decoded = Object.values(decoded)[0];
      }
      result.value = decoded;
      const stated = decoded && typeof decoded === 'object' ? (decoded as Record<string, unknown>)[discriminator] : undefined;
      result.eventType = typeof stated === 'string' ? stated : undefined;
    } catch (error) {
      result.error = {
        code: isContractsError(error) ? error.code : 'DECODE_FAILED',
        message: error instanceof Error ? error.message : String(error),
      };
    }
    return result;
  };
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerString(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
