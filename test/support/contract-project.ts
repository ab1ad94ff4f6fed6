/**
 * A small Avro contract project in a temp folder (config, a shared Money type, two events, the
 * topic union), with helpers to evolve a schema file: what the registration and baseline tests use.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CompatibilityLevel, SubjectNameStrategy } from '../../src/config';

export interface TempProject {
  dir: string;
  configFile: string;
  namespace: string;
  topic: string;
  /** Reads, changes and writes back a schema file (relative to the project). */
  edit(
    file: string,
    change: (schema: Record<string, unknown> & { fields: Array<Record<string, unknown>> }) => void,
  ): void;
  read(file: string): string;
  write(file: string, text: string): void;
  cleanup(): void;
}

export interface ProjectOptions {
  topic?: string;
  namespace?: string;
  level?: CompatibilityLevel;
  strategy?: SubjectNameStrategy;
  /** Write the schema files pretty-printed (one element per line), as people do. */
  pretty?: boolean;
}

const envelope = (name: string, data: unknown[]) => ({
  type: 'record',
  name,
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'eventType', type: 'string' },
    { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'source', type: 'string' },
    { name: 'bookingId', type: 'string' },
    ...data,
  ],
});

export function createProject(options: ProjectOptions = {}): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-reg-'));
  const topic = options.topic ?? 'orders';
  const namespace = options.namespace ?? 'test.orders';
  const text = (value: unknown) => `${JSON.stringify(value, null, options.pretty === false ? undefined : 2)}\n`;
  const files: Record<string, unknown> = {
    'schemas/Money.avsc': {
      type: 'record',
      name: 'Money',
      namespace,
      fields: [
        { name: 'amountMinor', type: 'long' },
        { name: 'currency', type: 'string' },
      ],
    },
    'schemas/OrderPlaced.avsc': {
      ...envelope('OrderPlaced', [{ name: 'total', type: `${namespace}.Money` }]),
      namespace,
    },
    'schemas/OrderShipped.avsc': { ...envelope('OrderShipped', [{ name: 'carrier', type: 'string' }]), namespace },
    'schemas/value.avsc': [`${namespace}.OrderPlaced`, `${namespace}.OrderShipped`],
    'contracts.config.json': {
      output: 'generated',
      topics: [
        {
          name: topic,
          format: 'AVRO',
          value: 'schemas/value.avsc',
          references: ['schemas/Money.avsc'],
          events: [
            { type: 'order.placed', schema: 'schemas/OrderPlaced.avsc' },
            { type: 'order.shipped', schema: 'schemas/OrderShipped.avsc' },
          ],
          subjectStrategy: options.strategy ?? 'TopicNameStrategy',
          compatibility: options.level ?? 'FULL_TRANSITIVE',
        },
      ],
    },
  };
  const write = (file: string, body: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), body);
  };
  for (const [file, value] of Object.entries(files)) write(file, text(value));
  return {
    dir,
    configFile: join(dir, 'contracts.config.json'),
    namespace,
    topic,
    edit(file, change) {
      const schema = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      change(schema);
      write(file, text(schema));
    },
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    write,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
