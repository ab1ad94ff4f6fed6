/**
 * TopicModel → `index.ts`: event-type constants, the event maps, subject names and the topic
 * contract object that the producer, consumer and CLI take.
 */
import { constantCase } from '../src/formats/model';
import type { TopicModel } from '../src/formats/model';
import { validatorName } from './emit-validators';

/** `codecExport`: the GeneratedCodec of `codec.ts`, when the format wrote one. */
export function emitTopicModule(model: TopicModel, codecExport?: string): string {
  const base = model.baseName;
  const c = model.config;
  const q = (value: unknown) => JSON.stringify(value);
  const lines: string[] = [];
  lines.push("import type { TopicContract } from '%RUNTIME%';");
  lines.push(
    `import type { ${model.events.flatMap((e) => [e.typeName, `${e.typeName}Input`]).join(', ')} } from './types.js';`,
  );
  lines.push(`import { ${model.events.map((e) => validatorName(e.typeName)).join(', ')} } from './validators.js';`);
  if (codecExport) lines.push(`import { ${codecExport} } from './codec.js';`);
  lines.push('');
  lines.push("export * from './types.js';");
  lines.push('');
  lines.push(`/** The event types of the ${c.name} topic. */`);
  lines.push('export const EVENT_TYPES = {');
  for (const e of model.events) lines.push(`  ${constantCase(e.eventType)}: ${q(e.eventType)},`);
  lines.push('} as const;');
  lines.push('');
  lines.push(`export type ${base}EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];`);
  lines.push('');
  lines.push(`/** Event type → the event as consumers receive it. */`);
  lines.push(`export interface ${base}EventMap {`);
  for (const e of model.events) lines.push(`  ${q(e.eventType)}: ${e.typeName};`);
  lines.push('}');
  lines.push('');
  lines.push(`/** Event type → the event as the producer accepts it (auto-filled and defaulted fields optional). */`);
  lines.push(`export interface ${base}EventInputMap {`);
  for (const e of model.events) lines.push(`  ${q(e.eventType)}: ${e.typeName}Input;`);
  lines.push('}');
  lines.push('');
  lines.push(`/** Schema Registry subjects of the ${c.name} topic (${c.subjectStrategy}). */`);
  lines.push('export const SUBJECTS = {');
  lines.push(`  value: ${q(model.valueSubject)},`);
  for (const e of model.events) lines.push(`  ${q(e.eventType)}: ${q(e.subject)},`);
  lines.push('} as const;');
  lines.push('');
  lines.push(`export const ${lowerFirst(base)}Contract: TopicContract<${base}EventMap, ${base}EventInputMap> = {`);
  lines.push(`  topic: ${q(c.name)},`);
  lines.push(`  format: ${q(c.format)},`);
  lines.push(`  subjectStrategy: ${q(c.subjectStrategy)},`);
  lines.push(`  compatibility: ${q(c.compatibility)},`);
  lines.push(`  key: ${q(c.key)},`);
  lines.push(`  discriminator: ${q(c.discriminator)},`);
  lines.push(`  deadLetterTopic: ${q(c.deadLetterTopic)},`);
  lines.push(`  partitions: ${c.partitions},`);
  lines.push(`  replicationFactor: ${c.replicationFactor},`);
  lines.push(`  valueSubject: ${q(model.valueSubject)},`);
  lines.push(`  autoFields: ${q(model.autoFields)},`);
  lines.push('  events: {');
  for (const e of model.events) {
    lines.push(`    ${q(e.eventType)}: {`);
    lines.push(`      eventType: ${q(e.eventType)},`);
    lines.push(`      name: ${q(e.name)},`);
    lines.push(`      subject: ${q(e.subject)},`);
    lines.push(`      validate: ${validatorName(e.typeName)},`);
    lines.push('    },');
  }
  lines.push('  },');
  lines.push('  schemas: [');
  for (const s of model.schemas) {
    lines.push('    {');
    lines.push(`      subject: ${q(s.subject)},`);
    lines.push(`      schemaType: ${q(s.schemaType)},`);
    lines.push(`      file: ${q(s.file)},`);
    lines.push(`      references: ${q(s.references)},`);
    lines.push(`      schema: ${q(s.schema)},`);
    lines.push('    },');
  }
  lines.push('  ],');
  if (codecExport) lines.push(`  codec: ${codecExport},`);
  lines.push('};');
  lines.push('');
  return lines.join('\n');
}

export function lowerFirst(name: string): string {
  return name[0]!.toLowerCase() + name.slice(1);
}

/** `index.ts` at the root of the output folder: one namespace per topic. */
export function emitRootModule(models: TopicModel[]): string {
  return (
    models.map((m) => `export * as ${lowerFirst(m.baseName)} from './${m.config.name}/index.js';`).join('\n') + '\n'
  );
}
