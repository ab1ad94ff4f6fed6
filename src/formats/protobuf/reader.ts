/**
 * Codegen's reader of a Protobuf topic: the value .proto (its first message holds one `oneof`
 * whose cases are the events), the events' .proto files and whatever they import → TopicModel.
 *
 * Import paths are relative to the module root (buf's), found from the files themselves: a listed
 * file whose path ends with an import path sits at that path under the root. Imports are read
 * from the root, so the config needs to list the value and the events only (`references` may
 * name more). Each imported file is registered under its import path, the subject Confluent's
 * serializers give a reference by default, with the import path as the reference's name; the
 * value is `<topic>-value`. google/protobuf/* imports are never registered: registries know them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { DescMessage, DescOneof } from '@bufbuild/protobuf';
import type { TopicConfig } from '../../config';
import type { RegisteredSchemaSpec } from '../../contract';
import { SchemaFileError } from '../../errors';
import {
  AUTO_FIELDS,
  addEventInputUnion,
  pascalCase,
  type EventModel,
  type JsonSchema,
  type TopicModel,
} from '../model';
import { importsOf, isWellKnownImport, parseProtoFiles } from './parse';
import { ProtobufNames, ProtobufProjection, type EventRole } from './projection';

interface ProtoFile {
  /** Import path (relative to the module root, with forward slashes). */
  name: string;
  path: string;
  relPath: string;
  text: string;
  imports: string[];
}

export function readProtobufTopic(topic: TopicConfig, rootDir: string): TopicModel {
  const rel = (path: string) => relative(rootDir, path).split(sep).join('/');
  if (topic.subjectStrategy !== 'TopicNameStrategy') {
    throw new SchemaFileError(
      rel(topic.value),
      '',
      `Protobuf topics use TopicNameStrategy (one value message whose oneof holds the events); ${topic.subjectStrategy} is not supported for them yet`,
    );
  }
  const read = (path: string): Omit<ProtoFile, 'name'> => {
    if (!existsSync(path)) throw new SchemaFileError(rel(path), '', 'no such file');
    const text = readFileSync(path, 'utf8');
    return { path, relPath: rel(path), text, imports: importsOf(text, rel(path)) };
  };
  const listed = [topic.value, ...topic.events.map((e) => e.schema), ...topic.references].map(read);
  const moduleRoot = moduleRootOf(listed, dirname(topic.value));

  // every file reachable from the listed ones, by import path
  const files = new Map<string, ProtoFile>();
  const add = (file: Omit<ProtoFile, 'name'>) => {
    const name = relative(moduleRoot, file.path).split(sep).join('/');
    if (files.has(name)) return;
    files.set(name, { ...file, name });
    for (const path of file.imports) {
      if (isWellKnownImport(path) || files.has(path)) continue;
      const at = join(moduleRoot, path);
      if (!existsSync(at)) {
        throw new SchemaFileError(
          file.relPath,
          '',
          `import "${path}": no file ${rel(at)} (imports are relative to ${rel(moduleRoot) || '.'})`,
        );
      }
      if (!listedPaths.has(resolve(at))) {
        // generate would follow the import, but a git baseline (check --against) reads only the listed files
        throw new SchemaFileError(
          file.relPath,
          '',
          `import "${path}": ${rel(at)} is not in the references of topic ${topic.name}`,
          { hint: `add "${rel(at)}" to the topic's "references" in the config: every imported file is listed there` },
        );
      }
      add(read(at));
    }
  };
  const listedPaths = new Set(listed.map((file) => resolve(file.path)));
  for (const file of listed) add(file);
  const nameOf = (path: string) => relative(moduleRoot, resolve(path)).split(sep).join('/');

  let registry;
  try {
    registry = parseProtoFiles([...files.values()].map((f) => ({ name: f.name, text: f.text })));
  } catch (error) {
    if (error instanceof SchemaFileError) {
      throw new SchemaFileError(files.get(error.file)?.relPath ?? error.file, error.pointer, error.reason, {
        cause: error,
      });
    }
    throw error;
  }

  const valueFile = registry.getFile(nameOf(topic.value))!;
  const value = valueFile.messages[0];
  const oneof = value?.oneofs.length === 1 ? value.oneofs[0] : undefined;
  if (!value || !oneof || oneof.fields.some((f) => f.fieldKind !== 'message')) {
    // the fix spelled out with the service's own names: the README it could point to is not in its repository
    const cases = topic.events.map((e, i) => {
      const message = registry.getFile(nameOf(e.schema))?.messages[0]?.name ?? 'EventMessage';
      return `${message} ${message.replace(/(?<!^)[A-Z]/g, (c) => `_${c}`).toLowerCase()} = ${i + 1};`;
    });
    throw new SchemaFileError(
      rel(topic.value),
      '',
      "the first message of a Protobuf topic's value file must hold the events in one oneof of message fields",
      {
        hint: `write it as message ${value?.name ?? 'Event'} { oneof event { ${cases.join(' ')} } } (the README's "Protobuf topics": node_modules/booking-event-contracts/README.md)`,
      },
    );
  }
  const eventMessages = topic.events.map((e) => ({
    config: e,
    message: caseOf(value, oneof, nameOf(e.schema), rel(e.schema)),
  }));

  for (const { config, message } of eventMessages) {
    const discriminator = message.fields.find((f) => f.localName === topic.discriminator);
    if (discriminator?.fieldKind !== 'scalar' || discriminator.scalar !== 9) {
      throw new SchemaFileError(
        rel(config.schema),
        '',
        `${message.typeName} has no string field ${topic.discriminator} (the topic's discriminator; event_type in .proto becomes eventType)`,
      );
    }
  }

  const ordered = dependenciesFirst(files, nameOf(topic.value));
  const schemas: RegisteredSchemaSpec[] = ordered.map((file) => ({
    subject: file.name === nameOf(topic.value) ? `${topic.name}-value` : file.name,
    schemaType: 'PROTOBUF',
    schema: file.text,
    references: file.imports.filter((i) => !isWellKnownImport(i)).map((name) => ({ name, subject: name })),
    file: file.relPath,
  }));

  const autoFields = AUTO_FIELDS.filter((name) =>
    eventMessages.every(({ message }) => message.fields.some((f) => f.localName === name)),
  );
  const names = new ProtobufNames();
  const projection = new ProtobufProjection(names);
  const roleOf = (eventType: string): EventRole => ({ eventType, discriminator: topic.discriminator, autoFields });
  const baseName = pascalCase(topic.name);
  const events: EventModel[] = eventMessages.map(({ config, message }) => {
    const definitions: Record<string, JsonSchema> = {};
    const typeName = names.of(message);
    return {
      eventType: config.type,
      name: message.typeName,
      typeName,
      subject: nameOf(config.schema),
      writableSchema: {
        $id: `${topic.name}/${typeName}`,
        ...projection.message(message, 'writable', definitions, roleOf(config.type)),
        definitions,
      },
    };
  });
  const definitions: Record<string, JsonSchema> = {};
  const decoded = eventMessages.map(({ config, message }) =>
    projection.ref(message, 'decoded', definitions, roleOf(config.type)),
  );
  const inputs = eventMessages.map(({ config, message }) =>
    projection.ref(message, 'input', definitions, roleOf(config.type)),
  );
  addEventInputUnion(definitions, topic, baseName, inputs);
  return {
    config: topic,
    baseName,
    events,
    valueSubject: `${topic.name}-value`,
    schemas,
    autoFields,
    format: 'PROTOBUF',
    validatorSchemas: [],
    typesSchema: {
      title: `${baseName}Event`,
      description: `Any event of the ${topic.name} topic (a case of ${value.typeName}.${oneof.name}), discriminated by ${topic.discriminator}.`,
      oneOf: decoded,
      definitions,
    },
  };
}

/** The folder import paths start from: where a listed file's path ends with an import path. */
function moduleRootOf(files: ReadonlyArray<Omit<ProtoFile, 'name'>>, fallback: string): string {
  const roots = new Set<string>();
  const imports = new Set(files.flatMap((f) => f.imports));
  for (const file of files) {
    const path = file.path.split(sep).join('/');
    for (const name of imports) if (path.endsWith(`/${name}`)) roots.add(resolve(path.slice(0, -name.length)));
  }
  if (roots.size > 1) {
    throw new SchemaFileError(
      files[0]!.relPath,
      '',
      `the import paths resolve against more than one folder (${[...roots].join(', ')}); keep one module root`,
    );
  }
  return roots.size === 1 ? [...roots][0]! : fallback;
}

/** The oneof case whose message is defined in the event's file. */
function caseOf(value: DescMessage, oneof: DescOneof, fileName: string, relPath: string): DescMessage {
  const cases = oneof.fields.filter((f) => f.message?.file.proto.name === fileName);
  if (cases.length !== 1) {
    throw new SchemaFileError(
      relPath,
      '',
      cases.length === 0
        ? `no case of ${value.typeName}.${oneof.name} is a message of this file`
        : `${cases.length} cases of ${value.typeName}.${oneof.name} are messages of this file; give each event a file of its own`,
    );
  }
  return cases[0]!.message!;
}

function dependenciesFirst(files: ReadonlyMap<string, ProtoFile>, rootName: string): ProtoFile[] {
  const out: ProtoFile[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || isWellKnownImport(name)) return;
    seen.add(name);
    const file = files.get(name)!;
    for (const dependency of file.imports) visit(dependency);
    out.push(file);
  };
  for (const name of files.keys()) if (name !== rootName) visit(name);
  visit(rootName);
  return out;
}
