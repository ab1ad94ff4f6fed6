/**
 * contracts.config.json: which topics exist, which schema files make their contracts, in which
 * format, under which subjects and compatibility level. Codegen, the CLI and the runtime read it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { ConfigError } from './errors';
import { parseJsonText } from './json-text';
import { PACKAGE_NAME } from './package-info';

export { PACKAGE_NAME };

/**
 * The schema formats the kit reads, by the registry's schema type: the one list of their names the
 * config's `format` enum, the lock file's `schemaType` enum and the registry's SchemaType come
 * from. It lives here, in the base layer, because config, registry and lock validation sit below
 * the formats and cannot import them; FORMATS (src/formats/index.ts), the formats themselves, is
 * checked against it by the compiler (each format's `schemaType` is a SchemaFormat, every name has
 * a format) and by a unit test (same names, same order). A new format adds its name here and its
 * module to FORMATS.
 */
export const SCHEMA_FORMATS = ['AVRO', 'JSON', 'PROTOBUF'] as const;
export type SchemaFormat = (typeof SCHEMA_FORMATS)[number];
export type SubjectNameStrategy = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export interface EventConfig {
  /** The value of the discriminator field, e.g. `booking.created`. */
  type: string;
  /** Schema file of the event, relative to the config file. */
  schema: string;
}

export interface TopicConfig {
  name: string;
  format: SchemaFormat;
  /** The topic-level schema: an Avro union or a JSON Schema `oneOf` of the events. */
  value: string;
  events: EventConfig[];
  /** Shared schema files the events reference (named types such as Money), in any order. */
  references: string[];
  subjectStrategy: SubjectNameStrategy;
  compatibility: CompatibilityLevel;
  /** Field of the event that discriminates the union (`eventType`). */
  discriminator: string;
  /** Field of the event used as the Kafka message key (`bookingId`). */
  key: string;
  partitions: number;
  replicationFactor: number;
  deadLetterTopic: string;
  /** Kafka topic configs of the topic (retention.ms, cleanup.policy, …), set by `contracts apply`. */
  topicConfig: Record<string, string>;
  /** Kafka topic configs of the dead-letter topic. */
  deadLetterTopicConfig: Record<string, string>;
  /**
   * JSON Schema only: what goes before a schema's `title` in its subject (`<namespace>.<title>`),
   * since titles such as `Amount` collide on a shared registry. Default: the topic name; `""`
   * keeps the bare title.
   */
  subjectNamespace: string;
  /**
   * JSON Schema topics: `registry` registers each shared schema file as its own subject and the
   * events with references to it (Confluent's JSON Schema references); `bundle` registers each
   * event (and the topic value) as one self-contained schema with its `$ref`s inlined under
   * `definitions`, for registries without JSON Schema references (Karapace: 422, 44302).
   */
  jsonReferences: JsonReferences;
}

export type JsonReferences = 'registry' | 'bundle';

export interface ContractsConfig {
  /** Absolute path of the config file; other paths are relative to its folder. */
  configFile: string;
  rootDir: string;
  /** Folder of generated code, absolute. */
  output: string;
  /** Module the generated code imports the kit's runtime from. */
  runtimeImport: string;
  topics: TopicConfig[];
  /** Which services publish and consume which events (`contracts asyncapi` writes their operations). */
  services: ServiceConfig[];
}

/** One service of the platform and the events it publishes and consumes. */
export interface ServiceConfig {
  name: string;
  description?: string;
  /** Its consumer group; default the service name. */
  groupId: string;
  /** Events it publishes, resolved from event types or topic names (a topic name: all its events). */
  publishes: ServiceEvents[];
  consumes: ServiceEvents[];
}

/** Events of one topic a service publishes or consumes. */
export interface ServiceEvents {
  topic: string;
  eventTypes: string[];
}

export const DEFAULT_CONFIG_FILE = 'contracts.config.json';

/** Kafka topic configs: names as Kafka spells them, values as strings or numbers. */
const TOPIC_CONFIGS = {
  type: 'object',
  propertyNames: { pattern: '^[a-z][a-z0-9.]*$' },
  additionalProperties: { type: ['string', 'number', 'boolean'] },
} as const;

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['topics'],
  properties: {
    $schema: { type: 'string' },
    output: { type: 'string', minLength: 1 },
    runtimeImport: { type: 'string', minLength: 1 },
    topics: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'format', 'value', 'events'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' },
          format: { enum: [...SCHEMA_FORMATS] },
          value: { type: 'string', minLength: 1 },
          events: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['type', 'schema'],
              properties: { type: { type: 'string', minLength: 1 }, schema: { type: 'string', minLength: 1 } },
            },
          },
          references: { type: 'array', items: { type: 'string', minLength: 1 } },
          subjectStrategy: { enum: ['TopicNameStrategy', 'RecordNameStrategy', 'TopicRecordNameStrategy'] },
          compatibility: { enum: [...COMPATIBILITY_LEVELS] },
          discriminator: { type: 'string', minLength: 1 },
          key: { type: 'string', minLength: 1 },
          partitions: { type: 'integer', minimum: 1 },
          replicationFactor: { type: 'integer', minimum: 1 },
          deadLetterTopic: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' },
          topicConfig: TOPIC_CONFIGS,
          deadLetterTopicConfig: TOPIC_CONFIGS,
          subjectNamespace: { type: 'string', pattern: '^[A-Za-z0-9._-]*$' },
          jsonReferences: { enum: ['registry', 'bundle'] },
        },
      },
    },
    services: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9._-]+$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          description: { type: 'string' },
          groupId: { type: 'string', minLength: 1 },
          publishes: { type: 'array', items: { type: 'string', minLength: 1 } },
          consumes: { type: 'array', items: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
} as const;

let validateShape: ReturnType<Ajv['compile']> | undefined;

/** Reads and checks a config file; every path in the result is absolute. */
export function loadConfig(file: string = DEFAULT_CONFIG_FILE, cwd: string = process.cwd()): ContractsConfig {
  const configFile = resolve(cwd, file);
  if (!existsSync(configFile)) {
    throw new ConfigError(configFile, 'no such file', {
      hint: `create ${DEFAULT_CONFIG_FILE} (see README "Configuration") or pass --config <file>`,
    });
  }
  const parsed = parseJsonText(readFileSync(configFile, 'utf8'));
  if (!parsed.ok) {
    throw new ConfigError(
      configFile,
      `is not valid JSON (line ${parsed.line}, column ${parsed.column}): ${parsed.reason}`,
    );
  }
  const raw = parsed.json;
  return parseConfig(raw, configFile);
}

/** Checks an already-parsed config object; `configFile` anchors its relative paths. */
export function parseConfig(raw: unknown, configFile: string): ContractsConfig {
  validateShape ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(configSchema);
  if (!validateShape(raw)) {
    const problems = describeConfigErrors(validateShape.errors ?? [], raw);
    throw new ConfigError(
      configFile,
      problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`,
      { hint: 'see README "Configuration" for every field' },
    );
  }
  const input = raw as {
    output?: string;
    runtimeImport?: string;
    topics: Array<Partial<TopicConfig> & Pick<TopicConfig, 'name' | 'format' | 'value' | 'events'>>;
    services?: Record<string, { description?: string; groupId?: string; publishes?: string[]; consumes?: string[] }>;
  };
  const rootDir = dirname(configFile);
  const abs = (p: string) => resolve(rootDir, p);
  const names = new Set<string>();
  const topics = input.topics.map((t): TopicConfig => {
    if (names.has(t.name)) throw new ConfigError(configFile, `topic "${t.name}" is listed twice`);
    names.add(t.name);
    const types = new Set<string>();
    for (const e of t.events) {
      if (types.has(e.type)) {
        throw new ConfigError(configFile, `topic "${t.name}" lists event type "${e.type}" twice`);
      }
      types.add(e.type);
    }
    return {
      name: t.name,
      format: t.format,
      value: abs(t.value),
      events: t.events.map((e) => ({ type: e.type, schema: abs(e.schema) })),
      references: (t.references ?? []).map(abs),
      subjectStrategy: t.subjectStrategy ?? 'TopicNameStrategy',
      compatibility: t.compatibility ?? 'BACKWARD',
      discriminator: t.discriminator ?? 'eventType',
      key: t.key ?? 'bookingId',
      partitions: t.partitions ?? 1,
      replicationFactor: t.replicationFactor ?? 1,
      deadLetterTopic: t.deadLetterTopic ?? `${t.name}.dlq`,
      topicConfig: stringValues(t.topicConfig),
      deadLetterTopicConfig: stringValues(t.deadLetterTopicConfig),
      subjectNamespace: t.subjectNamespace ?? t.name,
      jsonReferences: t.jsonReferences ?? 'registry',
    };
  });
  return {
    configFile,
    rootDir,
    output: abs(input.output ?? 'src/generated'),
    runtimeImport: input.runtimeImport ?? PACKAGE_NAME,
    topics,
    services: Object.entries(input.services ?? {}).map(([name, s]): ServiceConfig => ({
      name,
      ...(s.description === undefined ? {} : { description: s.description }),
      groupId: s.groupId ?? name,
      publishes: serviceEvents(s.publishes ?? [], topics, configFile, `services.${name}.publishes`),
      consumes: serviceEvents(s.consumes ?? [], topics, configFile, `services.${name}.consumes`),
    })),
  };
}

/**
 * A service's list, each entry an event type or a topic name (all its events), grouped by topic in
 * the config's order. An unknown name is an error with the likely one.
 */
function serviceEvents(
  entries: readonly string[],
  topics: readonly TopicConfig[],
  configFile: string,
  place: string,
): ServiceEvents[] {
  const wanted = new Map<string, Set<string>>();
  const add = (topic: string, types: string[]) => {
    const set = wanted.get(topic) ?? wanted.set(topic, new Set()).get(topic)!;
    for (const type of types) set.add(type);
  };
  for (const entry of entries) {
    // `<topic>:<event type>` names one topic's event when several topics carry that event type
    const qualified = /^([A-Za-z0-9._-]+):(.+)$/.exec(entry);
    if (qualified) {
      const owner = topics.find((t) => t.name === qualified[1]);
      if (!owner?.events.some((e) => e.type === qualified[2])) {
        throw new ConfigError(
          configFile,
          `${place}: "${entry}" names ${owner ? `no event type "${qualified[2]}" of topic "${owner.name}"` : `no topic "${qualified[1]}"`}`,
          { hint: `write <topic>:<event type> with a topic and an event type of the config` },
        );
      }
      add(owner.name, [qualified[2]!]);
      continue;
    }
    const topic = topics.find((t) => t.name === entry);
    const owners = topics.filter((t) => t.events.some((e) => e.type === entry));
    if (topic)
      add(
        topic.name,
        topic.events.map((e) => e.type),
      );
    else if (owners.length === 1) add(owners[0]!.name, [entry]);
    else if (owners.length > 1) {
      throw new ConfigError(
        configFile,
        `${place}: event type "${entry}" is on more than one topic (${owners.map((t) => t.name).join(', ')})`,
        { hint: `write ${owners[0]!.name}:${entry} (<topic>:<event type>), or list the topic name` },
      );
    } else {
      const known = [...topics.map((t) => t.name), ...topics.flatMap((t) => t.events.map((e) => e.type))];
      const guess = closest(entry, known);
      throw new ConfigError(
        configFile,
        `${place}: "${entry}" is neither an event type nor a topic of the config` +
          (distanceOk(entry, guess) ? `; did you mean "${guess}"?` : `; known: ${known.join(', ')}`),
      );
    }
  }
  return topics
    .filter((t) => wanted.has(t.name))
    .map((t) => ({
      topic: t.name,
      eventTypes: t.events.map((e) => e.type).filter((type) => wanted.get(t.name)!.has(type)),
    }));
}

function stringValues(configs: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(configs ?? {}).map(([name, value]) => [name, String(value)]));
}

/** Where in the config a problem is, as a reader names it: `topics[0] (payments).format`. */
function placeOf(instancePath: string, raw: unknown): string {
  const parts = instancePath.split('/').slice(1);
  let node: unknown = raw;
  let place = '';
  for (const part of parts) {
    node = (node as Record<string, unknown> | undefined)?.[part];
    if (/^\d+$/.test(part)) {
      const name =
        (node as { name?: unknown; type?: unknown } | undefined)?.name ??
        (node as { type?: unknown } | undefined)?.type;
      place += `[${part}]${typeof name === 'string' ? ` (${name})` : ''}`;
    } else place += place ? `.${part}` : part;
  }
  return place || 'the config';
}

/** One sentence per problem, with the field, what is allowed and, for a typo, the likely name. */
export function describeConfigErrors(errors: readonly ErrorObject[], raw: unknown): string[] {
  const sentences = errors.map((e) => {
    const place = placeOf(e.instancePath, raw);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = String(params.additionalProperty);
        const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        const guess = known.length > 0 ? closest(field, known) : undefined;
        const likely =
          guess && distanceOk(field, guess) ? `; did you mean "${guess}"?` : `; known fields: ${known.join(', ')}`;
        return `unknown field "${field}" in ${place}${likely}`;
      }
      case 'enum':
        return `${place} is ${JSON.stringify(e.data)}; allowed: ${(params.allowedValues as unknown[]).join(', ')}`;
      case 'required':
        return `${place} has no "${String(params.missingProperty)}" (required)`;
      case 'pattern':
        return `${place} is ${JSON.stringify(e.data)}, which does not match ${String(params.pattern)}`;
      default:
        return `${place} ${e.message ?? 'is invalid'}`;
    }
  });
  return [...new Set(sentences)];
}

/** A suggestion only when the typo is small next to the word (a third of its letters at most). */
function distanceOk(typed: string, guess: string): boolean {
  return distance(typed.toLowerCase(), guess.toLowerCase()) <= Math.max(2, Math.floor(guess.length / 3));
}
