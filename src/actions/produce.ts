/**
 * Producing one event of a contract from outside a service (the UI's form): the topic's contract
 * is built from the config as codegen builds it (the same reader, writable schemas and ajv set-up;
 * the validators compiled here instead of into validators.ts), and the event goes through the
 * kit's own typed producer: its envelope, its validation (EventValidationError), its encoding,
 * key and headers. A dry run is the producer's `encode`: the record, nothing sent.
 *
 * Values arrive as JSON: `revive` turns what JSON cannot carry back into what the validators take
 * (a Date for a timestamp, a Buffer for bytes from the `0x…` hex the UI shows, a bigint for a
 * 64-bit Protobuf integer), guided by the event's writable schema.
 */
import type { Kafka } from 'kafkajs';
import { readTopics, type JsonSchema } from '../../codegen';
import type { ContractsConfig } from '../config';
import type { CompiledValidator, TopicContract } from '../contract';
import { UnknownEventTypeError, UsageError } from '../errors';
import { createProducer, type EncodedRecord, type Producer } from '../producer';
import type { SchemaRegistryClient } from '../registry/types';
import { createAjv } from '../validation/ajv';

/** An event type of a topic as a form shows it: the JSON Schema of the event ready to send. */
export interface EventFormSchema {
  eventType: string;
  /** Avro full name or JSON Schema title. */
  name: string;
  subject: string;
  /** The validator's schema (`definitions` inside; a JSON Schema topic's files by `$id` in `shared`). */
  schema: JsonSchema;
}

export interface TopicForm {
  topic: string;
  format: string;
  /** The event field whose value is the key, and the one naming the event type (filled by the producer). */
  key: string;
  discriminator: string;
  /** Fields the producer fills when they are empty. */
  autoFields: string[];
  events: EventFormSchema[];
  /** Schemas the events' `$ref`s may name by `$id` (a JSON Schema topic's other files). */
  shared: JsonSchema[];
}

export interface ProduceRequest {
  topic: string;
  eventType: string;
  /** The event as JSON: auto fields may be left out; timestamps as ISO 8601 or ms, bytes as `0x…` hex. */
  payload: unknown;
  /** Overrides the key (default: the contract's key field). */
  key?: string;
  dryRun: boolean;
}

export interface ProducedRecord {
  topic: string;
  eventType: string;
  key: string | null;
  headers: Record<string, string>;
  schemaId: number;
  /** The subject of the schema ID: the topic's value subject (TopicNameStrategy), else the event's. */
  subject: string;
  eventId: string | undefined;
  /** The event as validated and encoded (envelope filled); producing it again sends the same record. */
  event: unknown;
  /** The framed value's size and its bytes in hex. */
  bytes: { length: number; hex: string };
  dryRun: boolean;
  /** Where it went, once sent. */
  partition: number | null;
  offset: string | null;
}

export interface ContractProducers {
  /** The form of a topic of the config; UsageError for a topic the config does not have. */
  form(topic: string): TopicForm;
  produce(request: ProduceRequest): Promise<ProducedRecord>;
  close(): Promise<void>;
}

export interface ContractProducersOptions {
  config: ContractsConfig | undefined;
  registry: SchemaRegistryClient;
  kafka: () => Kafka;
}

interface Built {
  contract: TopicContract;
  form: TopicForm;
  producer?: Producer<TopicContract>;
}

export function createContractProducers(options: ContractProducersOptions): ContractProducers {
  const built = new Map<string, Built>();

  const build = (topic: string): Built => {
    const known = built.get(topic);
    if (known) return known;
    const config = options.config;
    const topicConfig = config?.topics.find((t) => t.name === topic);
    if (!config || !topicConfig)
      throw new UsageError(
        config
          ? `${config.configFile} has no topic "${topic}": the UI produces only events of the config's contracts`
          : `producing to ${topic} needs its contract, and the UI runs without a config`,
        config
          ? `its topics: ${config.topics.map((t) => t.name).join(', ')}`
          : 'start `contracts ui` beside contracts.config.json (or pass --config)',
      );
    const [model] = readTopics({ ...config, topics: [topicConfig] });
    const ajv = createAjv();
    for (const schema of model!.validatorSchemas) ajv.addSchema(schema);
    const events: TopicContract['events'] = {};
    for (const e of model!.events) {
      const id = String(e.writableSchema.$id);
      if (!ajv.getSchema(id)) ajv.addSchema(e.writableSchema);
      events[e.eventType] = {
        eventType: e.eventType,
        name: e.name,
        subject: e.subject,
        validate: ajv.getSchema(id) as unknown as CompiledValidator,
      };
    }
    const contract: TopicContract = {
      topic,
      format: topicConfig.format,
      subjectStrategy: topicConfig.subjectStrategy,
      compatibility: topicConfig.compatibility,
      key: topicConfig.key,
      discriminator: topicConfig.discriminator,
      deadLetterTopic: topicConfig.deadLetterTopic,
      partitions: topicConfig.partitions,
      replicationFactor: topicConfig.replicationFactor,
      valueSubject: model!.valueSubject,
      events,
      schemas: model!.schemas,
      autoFields: model!.autoFields,
    };
    const form: TopicForm = {
      topic,
      format: topicConfig.format,
      key: topicConfig.key,
      discriminator: topicConfig.discriminator,
      autoFields: model!.autoFields,
      events: model!.events.map((e) => ({
        eventType: e.eventType,
        name: e.name,
        subject: e.subject,
        schema: e.writableSchema,
      })),
      shared: model!.validatorSchemas,
    };
    const entry = { contract, form };
    built.set(topic, entry);
    return entry;
  };

  return {
    form: (topic) => build(topic).form,
    async produce(request) {
      const entry = build(request.topic);
      const event = entry.form.events.find((e) => e.eventType === request.eventType);
      if (!event) throw new UnknownEventTypeError(request.eventType, Object.keys(entry.contract.events));
      entry.producer ??= createProducer({
        contract: entry.contract,
        registry: options.registry,
        kafka: options.kafka(),
        // the operations the CLI and the UI share run on their kafkajs client, whatever
        // CONTRACTS_TRANSPORT says for the services of the process
        transport: 'kafkajs',
        clientId: 'contracts-ui',
      });
      const producer = entry.producer;
      const payload = revive(event.schema, request.payload, lookup(event.schema, entry.form.shared));
      const publishOptions = request.key ? { key: request.key } : undefined;
      const encoded: EncodedRecord<TopicContract> = await producer.encode(request.eventType, payload, publishOptions);
      let sent: { partition: number; offset: string | undefined } | undefined;
      if (!request.dryRun) sent = await producer.publish(request.eventType, encoded.event, publishOptions);
      return {
        topic: request.topic,
        eventType: request.eventType,
        key: encoded.key,
        headers: Object.fromEntries(
          Object.entries(encoded.headers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('utf8') : v]),
        ),
        schemaId: encoded.schemaId,
        // the schema that frames the record: the topic's union under TopicNameStrategy, else the event's own
        subject: entry.contract.valueSubject ?? event.subject,
        eventId: encoded.eventId,
        event: encoded.event,
        bytes: { length: encoded.value.length, hex: encoded.value.toString('hex') },
        dryRun: request.dryRun,
        partition: sent ? sent.partition : null,
        offset: sent?.offset ?? null,
      };
    },
    async close() {
      await Promise.all([...built.values()].map((b) => b.producer?.disconnect().catch(() => undefined)));
      built.clear();
    },
  };
}

type Lookup = (ref: string) => JsonSchema | undefined;

/** `$ref`s of an event's schema: its own `#/definitions/…`, or another file's `$id` (JSON Schema topics). */
function lookup(root: JsonSchema, shared: readonly JsonSchema[]): Lookup {
  return (ref) => {
    const [file, pointer = ''] = ref.split('#');
    const base = file ? shared.find((s) => s.$id === file || String(s.$id).endsWith(`/${file}`)) : root;
    if (!base) return undefined;
    let node: unknown = base;
    for (const part of pointer.split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[part];
    return node as JsonSchema | undefined;
  };
}

/**
 * The JSON of a form as the validators take it: ISO 8601 text or ms → Date where the schema wants a
 * Date, `0x…` hex → Buffer for bytes, digit text → bigint for a 64-bit Protobuf integer. Anything
 * else stays as it is (the validator says what is wrong with it).
 */
export function revive(schema: JsonSchema | undefined, value: unknown, find: Lookup, depth = 0): unknown {
  if (!schema || depth > 64 || value === null || value === undefined) return value;
  if (typeof schema.$ref === 'string') return revive(find(schema.$ref), value, find, depth + 1);
  if (schema['x-js-date'] && (typeof value === 'string' || typeof value === 'number')) {
    const date = new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if ((schema['x-js-buffer'] || schema['x-js-bytes']) && typeof value === 'string' && /^0x([0-9a-f]{2})*$/i.test(value))
    return Buffer.from(value.slice(2), 'hex');
  if (schema['x-js-int64'] && typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches as JsonSchema[]) {
      const revived = revive(branch, value, find, depth + 1);
      if (revived !== value) return revived;
    }
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object')
    return value.map((item) => revive(schema.items as JsonSchema, item, find, depth + 1));
  const described = schema.properties !== undefined || typeof schema.additionalProperties === 'object';
  if (
    described &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    !(value instanceof Date)
  ) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const extra =
      typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as JsonSchema) : undefined;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        revive(properties[k] ?? extra, v, find, depth + 1),
      ]),
    );
  }
  return value;
}
