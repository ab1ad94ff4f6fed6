/**
 * Contract copies for tests: the same events on another topic (so test files do not share topics
 * or subjects), and a contract whose schema of one event has evolved.
 */
import { randomBytes } from 'node:crypto';
import type { TopicContract } from '../../src/contract';

export function uniqueTopic(prefix = 'bookings-it'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The contract on another topic: its value subject and dead-letter topic follow the topic name. */
export function withTopic<C extends TopicContract<object, object>>(contract: C, topic: string): C {
  const valueSubject = contract.valueSubject === null ? null : `${topic}-value`;
  return {
    ...contract,
    topic,
    valueSubject,
    deadLetterTopic: `${topic}.dlq`,
    schemas: contract.schemas.map((s) =>
      s.subject === contract.valueSubject && valueSubject ? { ...s, subject: valueSubject } : s,
    ),
  };
}

/** Renames every subject with a prefix, so schema versions registered by one test stay its own. */
export function withSubjectPrefix<C extends TopicContract<object, object>>(contract: C, prefix: string): C {
  const rename = (subject: string) => `${prefix}${subject}`;
  const events = Object.fromEntries(
    Object.entries(contract.events as Record<string, { subject: string }>).map(([k, e]) => [
      k,
      { ...e, subject: rename(e.subject) },
    ]),
  );
  return {
    ...contract,
    valueSubject: contract.valueSubject === null ? null : rename(contract.valueSubject),
    events: events as C['events'],
    schemas: contract.schemas.map((s) => ({
      ...s,
      subject: rename(s.subject),
      references: s.references.map((r) => ({ ...r, subject: rename(r.subject) })),
    })),
  };
}

/** The contract with one Avro record schema changed (e.g. a field added with a default). */
export function withEvolvedSchema<C extends TopicContract<object, object>>(
  contract: C,
  subject: string,
  change: (schema: { fields: Array<Record<string, unknown>> } & Record<string, unknown>) => void,
): C {
  return {
    ...contract,
    schemas: contract.schemas.map((s) => {
      if (s.subject !== subject) return s;
      const parsed = JSON.parse(s.schema) as { fields: Array<Record<string, unknown>> } & Record<string, unknown>;
      change(parsed);
      return { ...s, schema: JSON.stringify(parsed) };
    }),
  };
}
