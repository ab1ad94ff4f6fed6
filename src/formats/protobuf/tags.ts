/**
 * The fields a Protobuf writer schema tags (Confluent's convention: the field option
 * `[(confluent.field_meta).tags = "PII"]` of confluent/meta.proto, or `= { tags: ["PII"] }`), as
 * paths into the decoded value: field names as the plain value has them (camelCase), `*` for the
 * items of a repeated field and the values of a map. Message fields are followed into the
 * messages they hold, through references too; a recursive message is walked once on a path.
 *
 * The path is not given the message index of a record, so it holds the tagged fields of every
 * top-level message of the writer's file, and of the events a value message's oneof holds (the
 * tail shows that event unwrapped): a field named as a tagged one of another message is masked
 * too, which hides more, never less.
 */
import type { DescMessage } from '@bufbuild/protobuf';
import * as protobuf from 'protobufjs';
import type { SchemaText } from '../format';
import { protoFilesOf } from './files';

const FIELD_META = /^\(\.?confluent\.field_meta\)$/;

export function protobufTaggedFields(schemas: readonly SchemaText[], tags: ReadonlySet<string>): string[][] {
  const taggedFields = taggedFieldNames(schemas, tags);
  if (taggedFields.size === 0) return [];
  const { root } = protoFilesOf(schemas);
  const paths = new Map<string, string[]>();
  const walk = (message: DescMessage, path: string[], seen: ReadonlySet<string>): void => {
    if (seen.has(message.typeName)) return;
    const within = new Set(seen).add(message.typeName);
    for (const field of message.fields) {
      const at = [...path, field.localName];
      if (taggedFields.has(`${message.typeName}.${field.name}`)) {
        paths.set(at.join('\u0000'), at);
        continue;
      }
      if (field.fieldKind === 'message') walk(field.message, at, within);
      else if (field.fieldKind === 'list' && field.listKind === 'message') walk(field.message, [...at, '*'], within);
      else if (field.fieldKind === 'map' && field.mapKind === 'message') walk(field.message, [...at, '*'], within);
    }
  };
  for (const message of root.messages) {
    walk(message, [], new Set());
    // a value message whose fields are one oneof of events: the tail shows the event itself
    const [oneof] = message.oneofs;
    if (oneof && message.fields.every((f) => f.oneof === oneof))
      for (const field of message.fields) if (field.fieldKind === 'message') walk(field.message, [], new Set());
  }
  // an event that is also a top-level message is reached twice
  return [...paths.values()];
}

/** `<message type name>.<field name>` of every field whose confluent.field_meta tags hold one of `tags`. */
function taggedFieldNames(schemas: readonly SchemaText[], tags: ReadonlySet<string>): Set<string> {
  const names = new Set<string>();
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) {
        for (const field of nested.fieldsArray) {
          const metas = (field.parsedOptions ?? []) as Array<Record<string, unknown>>;
          const fieldTags = metas.flatMap((option) =>
            Object.entries(option)
              .filter(([key]) => FIELD_META.test(key))
              .flatMap(([, meta]) => [(meta as { tags?: unknown } | null)?.tags ?? []].flat()),
          );
          if (fieldTags.some((tag) => tags.has(String(tag)))) names.add(`${nested.fullName.slice(1)}.${field.name}`);
        }
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  // each file on its own: only the options are read here, the types are linked by protoFilesOf
  for (const schema of schemas) visit(protobuf.parse(schema.schema, { keepCase: true }).root);
  return names;
}
