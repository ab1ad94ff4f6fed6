/**
 * The intermediate form between the schema files and the emitted TypeScript. Each format's reader
 * (src/formats/<format>/reader.ts) builds it; codegen's emitters see only it.
 */
import type { SchemaFormat, TopicConfig } from '../config';
import type { RegisteredSchemaSpec } from '../contract';

/** A JSON Schema (draft-07) as codegen builds and emits it. */
export interface JsonSchema {
  [keyword: string]: unknown;
}

export interface EventModel {
  eventType: string;
  /** Avro full name or JSON Schema title. */
  name: string;
  /** TypeScript name of the decoded event, e.g. `BookingCreated`; the input type adds `Input`. */
  typeName: string;
  subject: string;
  /** JSON Schema of an event ready to send: the validator's schema. */
  writableSchema: JsonSchema;
}

export interface TopicModel {
  config: TopicConfig;
  /** PascalCase of the topic name, e.g. `Bookings`. */
  baseName: string;
  events: EventModel[];
  valueSubject: string | null;
  /** Every schema to register, dependencies first. */
  schemas: RegisteredSchemaSpec[];
  autoFields: Array<'eventId' | 'timestamp' | 'source'>;
  /**
   * One JSON Schema whose `definitions` hold every named type, decoded and input forms, keyed by
   * TypeScript name: what the types emitter turns into interfaces.
   */
  typesSchema: JsonSchema;
  format: SchemaFormat;
  /** Schemas the validators resolve `$ref`s against (the authored JSON Schema files). */
  validatorSchemas: JsonSchema[];
}

/** Fields the producer fills when an event does not carry them. */
export const AUTO_FIELDS = ['eventId', 'timestamp', 'source'] as const;

/**
 * Adds the topic's `<Base>EventInput` definition to `definitions`: the union of what the producer
 * accepts for each event (`inputs`, references to the events' input definitions). Every format's
 * reader ends with it, so the generated input types read the same whatever the format.
 */
export function addEventInputUnion(
  definitions: Record<string, JsonSchema>,
  topic: TopicConfig,
  baseName: string,
  inputs: JsonSchema[],
): void {
  definitions[`${baseName}EventInput`] = {
    title: `${baseName}EventInput`,
    description: `An event for the ${topic.name} topic as the producer accepts it.`,
    oneOf: inputs,
  };
}

export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

export function constantCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .join('_')
    .toUpperCase();
}

export function subjectFor(strategy: TopicConfig['subjectStrategy'], topic: string, recordName: string): string {
  return strategy === 'TopicRecordNameStrategy' ? `${topic}-${recordName}` : recordName;
}

/** PascalCase that is a valid TypeScript name (`T` before a leading digit): names from a registry. */
export function typeScriptName(name: string): string {
  const out = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z]/.test(out) ? out : `T${out}`;
}
