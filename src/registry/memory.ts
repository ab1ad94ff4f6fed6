/**
 * A Schema Registry in memory, for unit tests of services that use the kit (what `mock://` URLs
 * are in Confluent's clients). It answers the kit's calls as the real registries do, error codes
 * included (test/integration/registry/parity.test.ts compares the two).
 *
 * Compatibility is checked for Avro with Avro's schema resolution (the new schema must read the old
 * for BACKWARD, the old the new for FORWARD, both for FULL); JSON Schema and Protobuf schemas are
 * accepted without a compatibility check.
 */
import type { CompatibilityLevel } from '../config';
import { RegistryError } from '../errors';
import { DEFAULT_SCHEMA_TYPE, findFormat, type SchemaFormatModule } from '../formats';
import { REGISTRY_FEATURES, RegistryCapabilities, type RegistryFeature } from './capabilities';
import { withReferences } from '../formats/references';
import {
  REGISTRY_ERROR_CODES as CODES,
  type CompatibilityResult,
  type RegistryRequestInfo,
  type SchemaInput,
  type SchemaRegistryClient,
  type SchemaType,
  type StoredSchema,
  type SubjectVersion,
} from './types';

export interface InMemoryRegistryOptions {
  /** Shown in error messages as `mock://<name>`. Default `in-memory`. */
  name?: string;
  /** Global compatibility level; Confluent's default is BACKWARD. */
  compatibility?: CompatibilityLevel;
  onRequest?: (request: RegistryRequestInfo) => void;
}

export interface InMemorySchemaRegistry extends SchemaRegistryClient {
  /** Forgets every schema, subject and setting. */
  reset(): void;
}

interface Stored extends StoredSchema {
  id: number;
}

export function createInMemoryRegistry(options: InMemoryRegistryOptions = {}): InMemorySchemaRegistry {
  const url = `mock://${options.name ?? 'in-memory'}`;
  let schemas = new Map<number, Stored>();
  let idsByContent = new Map<string, number>();
  let subjects = new Map<string, Array<{ version: number; id: number }>>();
  let subjectLevels = new Map<string, CompatibilityLevel>();
  let globalLevel: CompatibilityLevel = options.compatibility ?? 'BACKWARD';
  let requests = 0;

  const fail = (status: number, code: number, message: string, path: string): never => {
    throw new RegistryError(
      `${url}${path}`,
      status,
      code,
      `schema registry ${url}${path} answered ${status} (error code ${code}): ${message}`,
    );
  };
  const count = (method: string, path: string) => {
    requests += 1;
    options.onRequest?.({ method, path });
  };
  const versionsOf = (subject: string, path: string) =>
    subjects.get(subject) ?? fail(404, CODES.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`, path);
  const subjectVersion = (subject: string, entry: { version: number; id: number }): SubjectVersion => {
    const stored = schemas.get(entry.id)!;
    return {
      subject,
      version: entry.version,
      id: entry.id,
      schema: stored.schema,
      schemaType: stored.schemaType,
      references: stored.references,
    };
  };
  const findInSubject = (subject: string, input: SchemaInput) => {
    const id = idsByContent.get(contentKey(input));
    return id === undefined ? undefined : subjects.get(subject)?.find((v) => v.id === id);
  };
  const getVersion = (subject: string, version: number | 'latest', path: string): SubjectVersion => {
    const versions = versionsOf(subject, path);
    if (version !== 'latest' && (!Number.isInteger(version) || version < 1)) {
      fail(422, CODES.INVALID_VERSION, `The specified version '${version}' is not a valid version id.`, path);
    }
    const entry = version === 'latest' ? versions[versions.length - 1] : versions.find((v) => v.version === version);
    if (!entry) return fail(404, CODES.VERSION_NOT_FOUND, `Version ${version} not found.`, path);
    return subjectVersion(subject, entry);
  };
  const lookupRef = {
    getSubjectVersion: async (subject: string, version: number | 'latest') =>
      getVersion(subject, version, `/subjects/${subject}/versions/${version}`),
  };
  /** The parsed schema and the format that compares it; undefined for a format not compared here. */
  const parse = async (
    input: SchemaInput,
    path: string,
  ): Promise<{ format: SchemaFormatModule; parsed: unknown } | undefined> => {
    const stored = normalize(input);
    for (const ref of stored.references) {
      if (!subjects.get(ref.subject)?.some((v) => v.version === ref.version)) {
        fail(
          422,
          CODES.INVALID_SCHEMA,
          `Invalid schema: reference ${ref.name} names ${ref.subject} version ${ref.version}, which does not exist`,
          path,
        );
      }
    }
    const format = findFormat(stored.schemaType);
    if (!format) return undefined;
    try {
      const all = format.codec.readsWithReferences ? await withReferences(lookupRef, stored) : [stored];
      const parsed = format.registry.parseRegistered(all);
      return parsed === undefined ? undefined : { format, parsed };
    } catch (cause) {
      if (cause instanceof RegistryError) throw cause;
      return fail(422, CODES.INVALID_SCHEMA, `Invalid schema: ${(cause as Error).message}`, path);
    }
  };
  /** `against`: the versions a registration (level-dependent) or a test (latest, one version) compares with. */
  const check = async (
    subject: string,
    input: SchemaInput,
    path: string,
    against: 'level' | 'latest' | number = 'level',
  ): Promise<CompatibilityResult> => {
    const level = subjectLevels.get(subject) ?? globalLevel;
    const versions = subjects.get(subject) ?? [];
    let compared =
      against === 'latest' ? versions.slice(-1) : level.endsWith('_TRANSITIVE') ? versions : versions.slice(-1);
    if (typeof against === 'number') {
      if (!Number.isInteger(against) || against < 1)
        fail(422, CODES.INVALID_VERSION, `The specified version '${against}' is not a valid version id.`, path);
      compared = versions.filter((v) => v.version === against);
      if (compared.length === 0)
        fail(
          404,
          versions.length === 0 ? CODES.SUBJECT_NOT_FOUND : CODES.VERSION_NOT_FOUND,
          `Version ${against} not found.`,
          path,
        );
    }
    const candidate = await parse(input, path);
    if (!candidate || level === 'NONE' || compared.length === 0) return { isCompatible: true, messages: [] };
    const messages: string[] = [];
    for (const entry of compared) {
      const existing = await parse(schemas.get(entry.id)!, path);
      if (!existing) continue;
      const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
      const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
      const unreadable = (reader: typeof candidate, writer: typeof candidate, message: string) => {
        const reason = candidate.format.registry.cannotRead(reader.parsed, writer.parsed);
        if (reason !== undefined) messages.push(`${message}: ${reason}`);
      };
      if (backward) unreadable(candidate, existing, `version ${entry.version} cannot be read with the new schema`);
      if (forward) unreadable(existing, candidate, `the new schema cannot be read with version ${entry.version}`);
    }
    return { isCompatible: messages.length === 0, messages };
  };

  const capabilities = new RegistryCapabilities();
  for (const feature of Object.keys(REGISTRY_FEATURES) as RegistryFeature[]) capabilities.supported(feature);

  const registry: InMemorySchemaRegistry = {
    url,
    capabilities,
    get requestCount() {
      return requests;
    },
    reset() {
      schemas = new Map();
      idsByContent = new Map();
      subjects = new Map();
      subjectLevels = new Map();
      globalLevel = options.compatibility ?? 'BACKWARD';
    },
    async register(subject, input) {
      const path = `/subjects/${subject}/versions`;
      count('POST', path);
      const existing = findInSubject(subject, input);
      if (existing) return { id: existing.id };
      const result = await check(subject, input, path);
      if (!result.isCompatible) {
        fail(
          409,
          CODES.INCOMPATIBLE_SCHEMA,
          `Schema being registered is incompatible with an earlier schema for subject "${subject}": ${result.messages.join('; ')}`,
          path,
        );
      }
      const key = contentKey(input);
      let id = idsByContent.get(key);
      if (id === undefined) {
        id = schemas.size + 1;
        idsByContent.set(key, id);
        schemas.set(id, { ...normalize(input), id });
      }
      const versions = subjects.get(subject) ?? [];
      versions.push({ version: (versions[versions.length - 1]?.version ?? 0) + 1, id });
      subjects.set(subject, versions);
      return { id };
    },
    async lookup(subject, input) {
      const path = `/subjects/${subject}`;
      count('POST', path);
      versionsOf(subject, path);
      const entry = findInSubject(subject, input);
      if (!entry) return fail(404, CODES.SCHEMA_NOT_FOUND, 'Schema not found', path);
      return subjectVersion(subject, entry);
    },
    async getSchemaById(id) {
      const path = `/schemas/ids/${id}`;
      count('GET', path);
      const stored = schemas.get(id) ?? fail(404, CODES.SCHEMA_NOT_FOUND, `Schema ${id} not found`, path);
      return { schema: stored.schema, schemaType: stored.schemaType, references: stored.references };
    },
    async getSubjectVersionsById(id) {
      const path = `/schemas/ids/${id}/versions`;
      count('GET', path);
      if (!schemas.has(id)) fail(404, CODES.SCHEMA_NOT_FOUND, `Schema ${id} not found`, path);
      const found: Array<{ subject: string; version: number }> = [];
      for (const [subject, versions] of subjects) {
        for (const v of versions) if (v.id === id) found.push({ subject, version: v.version });
      }
      return found;
    },
    async getSubjectVersion(subject, version) {
      const path = `/subjects/${subject}/versions/${version}`;
      count('GET', path);
      return getVersion(subject, version, path);
    },
    async listSubjects() {
      count('GET', '/subjects');
      return [...subjects.keys()];
    },
    async listVersions(subject) {
      const path = `/subjects/${subject}/versions`;
      count('GET', path);
      return versionsOf(subject, path).map((v) => v.version);
    },
    async getCompatibility(subject) {
      count('GET', subject === undefined ? '/config' : `/config/${subject}`);
      return subject === undefined ? globalLevel : (subjectLevels.get(subject) ?? null);
    },
    async setCompatibility(level, subject) {
      count('PUT', subject === undefined ? '/config' : `/config/${subject}`);
      if (subject === undefined) globalLevel = level;
      else subjectLevels.set(subject, level);
      return level;
    },
    async testCompatibility(subject, input, options = {}) {
      const against = options.against ?? 'latest';
      const path = `/compatibility/subjects/${subject}/versions${against === 'all' ? '' : `/${against}`}`;
      count('POST', path);
      // the latest, or every version, of a subject without versions: nothing to conflict with
      // (Confluent's answer; Apicurio answers 40401 for every version, which the HTTP client smooths over)
      if (against === 'all') return check(subject, input, path);
      return check(subject, input, path, against);
    },
  };
  return registry;
}

function normalize(input: SchemaInput): StoredSchema {
  return {
    schema: input.schema,
    schemaType: input.schemaType ?? DEFAULT_SCHEMA_TYPE,
    references: input.references ?? [],
  };
}

/** Same schema, same ID, whatever the whitespace: the registries compare parsed schemas too. */
function contentKey(input: SchemaInput): string {
  const stored = normalize(input);
  let text = stored.schema;
  try {
    text = JSON.stringify(JSON.parse(text));
  } catch {
    // not JSON (Protobuf): compare the text
  }
  const refs = stored.references.map((r) => `${r.name}=${r.subject}@${r.version}`).sort();
  return JSON.stringify([stored.schemaType satisfies SchemaType, text, refs]);
}
