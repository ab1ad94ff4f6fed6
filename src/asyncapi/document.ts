/**
 * The config and the schemas as an AsyncAPI 3.0 document: a channel per topic and per dead-letter
 * topic (Kafka bindings 0.5.0), a message per event with its payload in its own schema format, the
 * headers the producer writes, the Confluent framing, the registry subject; and, from the config's
 * `services`, a send or receive operation per service and topic. Data only: rendering is render.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTopics, type TopicModel } from '../../codegen';
import type { ContractsConfig, ServiceConfig, TopicConfig } from '../config';
import { ContractsError, RegistryError } from '../errors';
import { formatOf } from '../formats';
import { DLQ_HEADERS, DEAD_LETTER_REASONS, REPLAY_HEADERS } from '../dlq/headers';
import { MESSAGE_HEADERS } from '../producer';
import { createSchemaIdResolver, type RegisteredSubject } from '../registry';
import type { SchemaRegistryClient } from '../registry/types';
import { wantedTopics } from '../topics';

export const ASYNCAPI_VERSION = '3.0.0';
export const KAFKA_BINDING_VERSION = '0.5.0';

/** An AsyncAPI document as plain data (what YAML or JSON renders). */
export type AsyncApiDocument = Record<string, unknown> & { asyncapi: string };

export interface AsyncApiOptions {
  /** Only this service's operations, and the channels and messages they use (its own document). */
  service?: string;
  /** Read the schema ID and version of each event's subject from this registry (lookups only). */
  registry?: SchemaRegistryClient;
  /** The Kafka server the document names; default the kit's local stack. */
  brokers?: string;
  /** The registry URL the document names; default the registry client's, else the local stack's. */
  registryUrl?: string;
}

export interface AsyncApiResult {
  document: AsyncApiDocument;
  /** What the document could not say, one sentence each (an example left out, a schema not registered). */
  notes: string[];
}

const LOCAL_BROKERS = 'localhost:9092';
const LOCAL_REGISTRY = 'http://localhost:8081/apis/ccompat/v7';
const W3C_TRACEPARENT = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';
/** Topic configs the Kafka binding types (the others stay strings, as Kafka's admin API gives them). */
const INTEGER_TOPIC_CONFIGS = new Set(['retention.ms', 'retention.bytes', 'delete.retention.ms', 'max.message.bytes']);

export async function buildAsyncApiDocument(
  fullConfig: ContractsConfig,
  options: AsyncApiOptions = {},
): Promise<AsyncApiResult> {
  const notes: string[] = [];
  // a format AsyncAPI cannot describe (Protobuf) says why its topics are left out
  const asyncApiOf = (topic: TopicConfig) => formatOf(topic.format).documents.asyncApi;
  const topics = fullConfig.topics.filter((t) => 'payload' in asyncApiOf(t));
  const described = (events: ServiceConfig['publishes']) =>
    events.filter((e) => topics.some((t) => t.name === e.topic));
  const config: ContractsConfig = {
    ...fullConfig,
    topics,
    services: fullConfig.services.map((s) => ({
      ...s,
      publishes: described(s.publishes),
      consumes: described(s.consumes),
    })),
  };
  for (const topic of fullConfig.topics) {
    const asyncApi = asyncApiOf(topic);
    if ('leftOut' in asyncApi) notes.push(`${topic.name}: left out, ${asyncApi.leftOut}`);
  }
  const service = options.service === undefined ? undefined : findService(config, options.service);
  const models = readTopics(config);
  const messageIds = messageIdsOf(models);
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const dlqTopics = new Map(wantedTopics(config.topics).map((t) => [`${t.role}:${t.configTopic}`, t]));

  for (const model of models) {
    const topic = model.config;
    const ids = options.registry ? await schemaIds(model, options.registry, notes) : new Map();
    const channelMessages: Record<string, unknown> = {};
    for (const event of model.events) {
      const id = messageIds.get(`${topic.name}/${event.eventType}`)!;
      const publisher = config.services.find((s) =>
        s.publishes.some((p) => p.topic === topic.name && p.eventTypes.includes(event.eventType)),
      )?.name;
      messages[id] = eventMessage(model, event.eventType, ids.get(event.subject), publisher, schemas, notes);
      channelMessages[event.eventType] = { $ref: `#/components/messages/${id}` };
    }
    channels[topic.name] = {
      address: topic.name,
      title: topic.name,
      description:
        `The ${topic.name} topic: ${model.events.length} event type(s) in ${formatOf(topic.format).displayName}, ` +
        `told apart by the \`${topic.discriminator}\` field and the \`${MESSAGE_HEADERS.EVENT_TYPE}\` header, keyed by \`${topic.key}\` ` +
        `(all events of one ${topic.key} stay in order on one partition). Subjects follow ${topic.subjectStrategy}` +
        `${model.valueSubject ? ` (the topic's union: \`${model.valueSubject}\`)` : ''} at ${topic.compatibility}. ` +
        `What a consumer cannot handle goes to \`${topic.deadLetterTopic}\`.`,
      messages: channelMessages,
      bindings: { kafka: channelBinding(dlqTopics.get(`topic:${topic.name}`)!) },
    };
    const deadLetterId = `${topic.name}.dead-letter`;
    messages[deadLetterId] = deadLetterMessage(topic);
    channels[topic.deadLetterTopic] = {
      address: topic.deadLetterTopic,
      title: topic.deadLetterTopic,
      description:
        `Dead letters of ${topic.name}: each record a consumer group gave up on, with its key, value bytes and headers ` +
        `untouched and the reason in \`dlq.*\` headers. \`contracts dlq list\` / \`show\` read it, \`contracts dlq replay\` ` +
        `sends a record back to ${topic.name} for the one group that failed it.`,
      messages: { 'dead-letter': { $ref: `#/components/messages/${deadLetterId}` } },
      bindings: { kafka: channelBinding(dlqTopics.get(`dead-letter:${topic.name}`)!) },
    };
  }

  const operations = operationsOf(service ? [service] : config.services, config.topics);
  const document: AsyncApiDocument = {
    asyncapi: ASYNCAPI_VERSION,
    info: infoOf(config, service),
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: options.brokers ?? LOCAL_BROKERS,
        protocol: 'kafka',
        description: options.brokers
          ? 'The Kafka cluster.'
          : 'The local stack of `contracts stack up` (KRaft broker and a Confluent-compatible registry); name your own with `contracts asyncapi --brokers … --registry …`.',
        bindings: {
          kafka: {
            schemaRegistryUrl: options.registryUrl ?? options.registry?.url ?? LOCAL_REGISTRY,
            // the serdes the messages are framed for: Confluent's, whichever registry serves its API
            schemaRegistryVendor: 'confluent',
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      },
    },
    channels,
    operations,
    components: { ...(Object.keys(schemas).length > 0 ? { schemas } : {}), messages },
  };
  return { document: service ? onlyUsed(document) : document, notes };
}

function findService(config: ContractsConfig, name: string): ServiceConfig {
  const found = config.services.find((s) => s.name === name);
  if (found) return found;
  const known = config.services.map((s) => s.name);
  throw new ContractsError('CONFIG_INVALID', `no service "${name}" in ${config.configFile}`, {
    hint: known.length > 0 ? `known services: ${known.join(', ')}` : 'add a "services" section to the config',
  });
}

/** Message IDs: the event type, or `<topic>.<event type>` when two topics share an event type. */
function messageIdsOf(models: TopicModel[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const m of models) for (const e of m.events) count.set(e.eventType, (count.get(e.eventType) ?? 0) + 1);
  const ids = new Map<string, string>();
  for (const m of models) {
    for (const e of m.events) {
      ids.set(
        `${m.config.name}/${e.eventType}`,
        count.get(e.eventType)! > 1 ? `${m.config.name}.${e.eventType}` : e.eventType,
      );
    }
  }
  return ids;
}

/** The title, version and description of the document: the config folder's package.json, if any. */
function infoOf(config: ContractsConfig, service: ServiceConfig | undefined): Record<string, unknown> {
  const file = join(config.rootDir, 'package.json');
  const pkg = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as {
        name?: string;
        version?: string;
        description?: string;
        license?: string;
      })
    : {};
  const topics = config.topics.map((t) => t.name).join(', ');
  return {
    title: service ? service.name : (pkg.name ?? 'event contracts'),
    version: pkg.version ?? '0.0.0',
    description: service
      ? `${service.description ?? service.name} Its operations on ${topics}, from ${pkg.name ?? 'the'} contracts.`
      : `${pkg.description ?? 'Event contracts.'}\n\nThe topics ${topics}: written by \`contracts asyncapi\` from ` +
        `the contracts config and its schemas; the operations are the services of the config's "services" section.`,
    ...(pkg.license ? { license: { name: pkg.license } } : {}),
  };
}

function channelBinding(topic: ReturnType<typeof wantedTopics>[number]): Record<string, unknown> {
  const configs = Object.entries(topic.configs);
  return {
    partitions: topic.partitions,
    replicas: topic.replicationFactor,
    ...(configs.length > 0
      ? {
          topicConfiguration: Object.fromEntries(
            configs.map(([name, value]) => [
              name,
              name === 'cleanup.policy'
                ? value.split(',').map((p) => p.trim())
                : INTEGER_TOPIC_CONFIGS.has(name) && /^-?\d+$/.test(value)
                  ? Number(value)
                  : value,
            ]),
          ),
        }
      : {}),
    bindingVersion: KAFKA_BINDING_VERSION,
  };
}

async function schemaIds(
  model: TopicModel,
  registry: SchemaRegistryClient,
  notes: string[],
): Promise<Map<string, RegisteredSubject>> {
  const resolve = createSchemaIdResolver(model, registry);
  const ids = new Map<string, RegisteredSubject>();
  for (const event of model.events) {
    try {
      ids.set(event.subject, await resolve(event.subject));
    } catch (error) {
      if (!(error instanceof RegistryError) || error.status !== 404) throw error;
      notes.push(
        `${event.subject}: this schema is not registered at ${registry.url}, so the document has no ID for it`,
      );
    }
  }
  return ids;
}

function eventMessage(
  model: TopicModel,
  eventType: string,
  registered: RegisteredSubject | undefined,
  publisher: string | undefined,
  schemas: Record<string, unknown>,
  notes: string[],
): Record<string, unknown> {
  const topic = model.config;
  const event = model.events.find((e) => e.eventType === eventType)!;
  // the example's source is a service that publishes the event, when the config names one
  const overrides = { fields: { [topic.discriminator]: eventType, ...(publisher ? { source: publisher } : {}) } };
  const asyncApi = formatOf(model.format).documents.asyncApi;
  if (!('payload' in asyncApi)) {
    throw new ContractsError('CONFIG_INVALID', `contracts asyncapi cannot describe ${model.format} topics yet`);
  }
  const shaped = asyncApi.payload(model, event, overrides, schemas);
  const { payload, example, summary, misfit } = shaped;
  const fits = misfit === undefined;
  if (!fits) {
    notes.push(
      `${eventType}: the example built from the schema does not fit it at ${misfit}, so the message has none; give that field "examples" in its schema`,
    );
  }
  return {
    name: eventType,
    title: event.typeName,
    ...(typeof summary === 'string' ? { summary } : {}),
    description:
      `Registered as \`${event.subject}\`${registered ? ` (ID ${registered.id}, version ${registered.version})` : ''} ` +
      `at ${topic.compatibility}; on the wire in the Confluent framing (magic byte 0, 4-byte schema ID, then the ` +
      `${formatOf(topic.format).displayName} body, ${formatOf(topic.format).documents.contentType}).`,
    contentType: formatOf(topic.format).documents.contentType,
    headers: eventHeaders(eventType),
    payload,
    correlationId: {
      description: `All events of one ${topic.key}: the Kafka key.`,
      location: `$message.payload#/${topic.key}`,
    },
    bindings: {
      kafka: {
        key: { type: 'string', description: `The event's ${topic.key}, UTF-8.` },
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        schemaLookupStrategy: topic.subjectStrategy,
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    'x-schema-registry': {
      subject: event.subject,
      ...(model.valueSubject ? { topicSubject: model.valueSubject } : {}),
      compatibility: topic.compatibility,
      ...(registered ? { schemaId: registered.id, version: registered.version } : {}),
    },
    ...(fits
      ? {
          examples: [
            {
              name: eventType,
              summary: `An example ${eventType}, built from its schema.`,
              headers: { [MESSAGE_HEADERS.EVENT_TYPE]: eventType },
              payload: example,
            },
          ],
        }
      : {}),
  };
}

function eventHeaders(eventType: string): Record<string, unknown> {
  return {
    type: 'object',
    required: [MESSAGE_HEADERS.EVENT_TYPE],
    properties: {
      [MESSAGE_HEADERS.EVENT_TYPE]: {
        type: 'string',
        const: eventType,
        description: 'The event type, set by the producer on every message: consumers route on it before decoding.',
      },
      [MESSAGE_HEADERS.TRACEPARENT]: {
        type: 'string',
        pattern: W3C_TRACEPARENT,
        description: 'W3C trace context of the publish, when the publisher passed one.',
      },
      [MESSAGE_HEADERS.TRACESTATE]: { type: 'string', description: 'W3C tracestate, with traceparent.' },
      [REPLAY_HEADERS.TARGET_GROUP]: {
        type: 'string',
        description: 'On a replayed copy only: the one consumer group it is for; the other groups skip it.',
      },
      [REPLAY_HEADERS.ORIGINAL]: {
        type: 'string',
        description: 'On a replayed copy only: `<topic>/<partition>/<offset>` where it was first consumed.',
      },
      [REPLAY_HEADERS.FROM]: {
        type: 'string',
        description: 'On a replayed copy only: `<dead-letter topic>/<partition>/<offset>` it was replayed from.',
      },
    },
  };
}

const DEAD_LETTER_HEADER_DOCS: Record<string, string> = {
  [DLQ_HEADERS.ORIGINAL_TOPIC]: 'Topic the message was consumed from.',
  [DLQ_HEADERS.ORIGINAL_PARTITION]: 'Its partition.',
  [DLQ_HEADERS.ORIGINAL_OFFSET]: 'Its offset.',
  [DLQ_HEADERS.ORIGINAL_TIMESTAMP]: 'Its Kafka timestamp (ms since the epoch).',
  [DLQ_HEADERS.REASON]: 'Why it was dead-lettered.',
  [DLQ_HEADERS.ERROR_CLASS]: "Class of the error (the handler's own, or WireFormatError, …).",
  [DLQ_HEADERS.ERROR_CODE]: "The kit's error code (HANDLER_FAILED, WIRE_FORMAT, …).",
  [DLQ_HEADERS.ERROR_MESSAGE]: 'The error message (first 1000 characters).',
  [DLQ_HEADERS.ATTEMPTS]: 'How many times the handler ran (0 when it never could).',
  [DLQ_HEADERS.EVENT_TYPE]: 'The event type, when the message could be decoded.',
  [DLQ_HEADERS.CONSUMER_GROUP]: 'The consumer group that gave up on it.',
  [DLQ_HEADERS.DEAD_LETTERED_AT]: 'When, ISO 8601.',
  [DLQ_HEADERS.TRUNCATED]:
    '`true` on a bounded record: the message was too large for the dead-letter topic, so only a prefix of its key and value was kept, without its own headers (never replayed).',
  [DLQ_HEADERS.ORIGINAL_KEY_SIZE]: "On a bounded record: the original key's size in bytes.",
  [DLQ_HEADERS.ORIGINAL_VALUE_SIZE]: "On a bounded record: the original value's size in bytes.",
};

function deadLetterMessage(topic: TopicConfig): Record<string, unknown> {
  const optional = new Set<string>([
    DLQ_HEADERS.EVENT_TYPE,
    DLQ_HEADERS.TRUNCATED,
    DLQ_HEADERS.ORIGINAL_KEY_SIZE,
    DLQ_HEADERS.ORIGINAL_VALUE_SIZE,
  ]);
  return {
    name: `${topic.name}.dead-letter`,
    title: `Dead letter of ${topic.name}`,
    summary: `A ${topic.name} record a consumer group could not handle, kept as it was.`,
    contentType: 'application/octet-stream',
    headers: {
      type: 'object',
      required: Object.values(DLQ_HEADERS).filter((h) => !optional.has(h)),
      properties: Object.fromEntries(
        Object.values(DLQ_HEADERS).map((header) => [
          header,
          header === DLQ_HEADERS.REASON
            ? { type: 'string', enum: [...DEAD_LETTER_REASONS], description: DEAD_LETTER_HEADER_DOCS[header] }
            : { type: 'string', description: DEAD_LETTER_HEADER_DOCS[header] },
        ]),
      ),
    },
    payload: {
      description: `The original value bytes, untouched (a prefix of them on a bounded record): a ${topic.name} message in the Confluent framing, or whatever could not be decoded.`,
    },
    bindings: {
      kafka: {
        key: { type: 'string', description: `The original key (the event's ${topic.key}).` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

/** Per service: send to each topic it publishes on; receive from each it consumes (and send its dead letters). */
function operationsOf(services: readonly ServiceConfig[], topics: readonly TopicConfig[]): Record<string, unknown> {
  const operations: Record<string, unknown> = {};
  const topicOf = (name: string) => topics.find((t) => t.name === name)!;
  const refs = (topic: string, eventTypes: string[]) =>
    eventTypes.map((type) => ({ $ref: `#/channels/${topic}/messages/${type}` }));
  for (const service of services) {
    for (const { topic, eventTypes } of service.publishes) {
      operations[`${service.name}.send.${topic}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${topic}` },
        title: `${service.name} publishes on ${topic}`,
        summary: `${service.name} publishes ${eventTypes.join(', ')}.`,
        ...(service.description ? { description: service.description } : {}),
        tags: [{ name: service.name }],
        messages: refs(topic, eventTypes),
      };
    }
    for (const { topic, eventTypes } of service.consumes) {
      const dlq = topicOf(topic).deadLetterTopic;
      operations[`${service.name}.receive.${topic}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${topic}` },
        title: `${service.name} consumes ${topic}`,
        summary: `${service.name} handles ${eventTypes.join(', ')} in consumer group ${service.groupId}.`,
        ...(service.description ? { description: service.description } : {}),
        tags: [{ name: service.name }],
        messages: refs(topic, eventTypes),
        bindings: {
          kafka: { groupId: { type: 'string', enum: [service.groupId] }, bindingVersion: KAFKA_BINDING_VERSION },
        },
      };
      operations[`${service.name}.send.${dlq}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${dlq}` },
        title: `${service.name} dead-letters ${topic}`,
        summary: `What ${service.name}'s consumer cannot handle (poison messages, handlers that keep failing) goes to ${dlq}.`,
        tags: [{ name: service.name }],
        messages: [{ $ref: `#/channels/${dlq}/messages/dead-letter` }],
      };
    }
  }
  return operations;
}

/** A service's own document: only the channels, messages and shared schemas its operations use. */
function onlyUsed(document: AsyncApiDocument): AsyncApiDocument {
  const text = JSON.stringify(document.operations);
  const channels = Object.fromEntries(
    Object.entries(document.channels as Record<string, unknown>).filter(([id]) => text.includes(`"#/channels/${id}"`)),
  );
  const channelText = JSON.stringify(channels);
  const components = document.components as { schemas?: Record<string, unknown>; messages: Record<string, unknown> };
  const messages = Object.fromEntries(
    Object.entries(components.messages).filter(([id]) => channelText.includes(`"#/components/messages/${id}"`)),
  );
  // shared schemas the messages use, and the ones those use
  const all = components.schemas ?? {};
  const schemas: Record<string, unknown> = {};
  for (let text = JSON.stringify(messages), found = true; found;) {
    found = false;
    for (const [id, schema] of Object.entries(all)) {
      if (!schemas[id] && text.includes(`"#/components/schemas/${id}"`)) {
        schemas[id] = schema;
        text += JSON.stringify(schema);
        found = true;
      }
    }
  }
  return {
    ...document,
    channels,
    components: { ...(Object.keys(schemas).length > 0 ? { schemas } : {}), messages },
  };
}
