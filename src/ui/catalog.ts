/**
 * What the UI shows about the registry: every subject with its format, effective compatibility
 * level, versions, latest ID and references in both directions, read through the kit's
 * `SchemaRegistryClient` (any Confluent-compatible registry). Read-only: nothing here writes.
 *
 * The list costs two registry calls per subject (its versions and its level) plus one per new
 * latest version (numbered versions are cached by the client), run a few at a time. The list is
 * kept: within `listTtlMs` it is served as it is, after that it is served at once while a fresh
 * one is read, so a page load never waits on the registry twice; the refresh button waits.
 */
import type { CompatibilityLevel } from '../config';
import { RegistryError } from '../errors';
import {
  REGISTRY_ERROR_CODES,
  type SchemaReference,
  type SchemaRegistryClient,
  type SchemaType,
  type SubjectVersion,
} from '../registry/types';

export interface SubjectRef {
  subject: string;
  version: number;
}

export interface SubjectSummary {
  subject: string;
  format: SchemaType;
  /** The level the registry applies: the subject's own, else the global one. */
  level: CompatibilityLevel;
  levelSource: 'subject' | 'global';
  versions: number[];
  latestVersion: number;
  latestId: number;
  /** What the latest version imports. */
  references: SchemaReference[];
  /** Subjects whose latest version imports a version of this one. */
  referencedBy: Array<SubjectRef & { referencedVersion: number }>;
}

export interface SubjectList {
  registryUrl: string;
  globalLevel: CompatibilityLevel;
  subjects: SubjectSummary[];
  /** ISO 8601: when the registry was read. */
  fetchedAt: string;
}

export interface VersionView {
  subject: string;
  version: number;
  id: number;
  format: SchemaType;
  /** The schema text, pretty-printed when it is JSON. */
  schema: string;
  references: SchemaReference[];
  /** Subjects (latest versions) that import exactly this version. */
  referencedBy: SubjectRef[];
  /** Every version of the subject with its ID, oldest first. */
  versions: Array<{ version: number; id: number }>;
  level: CompatibilityLevel;
  levelSource: 'subject' | 'global';
}

export interface CatalogOptions {
  registry: SchemaRegistryClient;
  /** How long the subject list is reused before the registry is read again. Default 10 s. */
  listTtlMs?: number;
  /** Registry calls in flight at once while listing. Default 16. */
  concurrency?: number;
}

export interface Catalog {
  readonly registryUrl: string;
  listSubjects(options?: { refresh?: boolean }): Promise<SubjectList>;
  getVersion(subject: string, version: number | 'latest'): Promise<VersionView>;
  /** A version as the registry stores it (no pretty-printing). */
  getRaw(subject: string, version: number | 'latest'): Promise<SubjectVersion>;
  /** The subject's effective level. */
  levelOf(subject: string): Promise<{ level: CompatibilityLevel; source: 'subject' | 'global' }>;
}

export function createCatalog(options: CatalogOptions): Catalog {
  const { registry } = options;
  const ttl = options.listTtlMs ?? 10_000;
  const limit = options.concurrency ?? 16;

  const globalLevel = async (): Promise<CompatibilityLevel> => (await registry.getCompatibility()) ?? 'BACKWARD';

  const load = async (): Promise<SubjectList> => {
    const [names, global] = await Promise.all([registry.listSubjects(), globalLevel()]);
    const rows = await mapLimit(
      names,
      limit,
      async (subject): Promise<Omit<SubjectSummary, 'referencedBy'> | undefined> => {
        try {
          const [versions, own] = await Promise.all([
            registry.listVersions(subject),
            registry.getCompatibility(subject),
          ]);
          const latestVersion = Math.max(...versions);
          if (!Number.isFinite(latestVersion)) return undefined;
          const latest = await registry.getSubjectVersion(subject, latestVersion);
          return {
            subject,
            format: latest.schemaType,
            level: own ?? global,
            levelSource: own ? 'subject' : 'global',
            versions: [...versions].sort((a, b) => a - b),
            latestVersion,
            latestId: latest.id,
            references: latest.references,
          };
        } catch (error) {
          // deleted between listing and reading: leave it out
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
    );
    const present = rows.filter((r): r is Omit<SubjectSummary, 'referencedBy'> => r !== undefined);
    const users = new Map<string, SubjectSummary['referencedBy']>();
    for (const row of present) {
      for (const ref of row.references) {
        const list = users.get(ref.subject) ?? [];
        list.push({ subject: row.subject, version: row.latestVersion, referencedVersion: ref.version });
        users.set(ref.subject, list);
      }
    }
    const subjects = present
      .map((row) => ({ ...row, referencedBy: users.get(row.subject) ?? [] }))
      .sort((a, b) => a.subject.localeCompare(b.subject));
    return { registryUrl: registry.url, globalLevel: global, subjects, fetchedAt: new Date().toISOString() };
  };

  let lastGood: SubjectList | undefined;
  let loading: Promise<SubjectList> | undefined;
  const reload = (): Promise<SubjectList> => {
    if (loading) return loading;
    const pending = load().then((list) => {
      lastGood = list;
      cachedAt = Date.now();
      return list;
    });
    loading = pending;
    // a failure is not kept: the next call asks the registry again
    pending
      .finally(() => {
        if (loading === pending) loading = undefined;
      })
      .catch(() => undefined);
    return pending;
  };
  let cachedAt = 0;
  /** Fresh within the TTL; after it, the last list at once while a new one is read (refresh waits for it). */
  const listSubjects = (opts: { refresh?: boolean } = {}): Promise<SubjectList> => {
    if (opts.refresh || !lastGood) return reload();
    if (Date.now() - cachedAt >= ttl) reload().catch(() => undefined);
    return Promise.resolve(lastGood);
  };

  const levelOf = async (subject: string): Promise<{ level: CompatibilityLevel; source: 'subject' | 'global' }> => {
    const own = await registry.getCompatibility(subject);
    return own ? { level: own, source: 'subject' } : { level: await globalLevel(), source: 'global' };
  };

  const getRaw = async (subject: string, version: number | 'latest'): Promise<SubjectVersion> => {
    if (version !== 'latest') return registry.getSubjectVersion(subject, version);
    const versions = await registry.listVersions(subject);
    // a numbered read is cached by the client; `latest` never is
    return registry.getSubjectVersion(subject, Math.max(...versions));
  };

  const getVersion = async (subject: string, version: number | 'latest'): Promise<VersionView> => {
    const [numbers, level] = await Promise.all([registry.listVersions(subject), levelOf(subject)]);
    const sorted = [...numbers].sort((a, b) => a - b);
    const wanted = version === 'latest' ? sorted[sorted.length - 1]! : version;
    const all = await mapLimit(sorted, limit, (v) => registry.getSubjectVersion(subject, v));
    const current = all.find((v) => v.version === wanted) ?? (await registry.getSubjectVersion(subject, wanted));
    const list = await listSubjects();
    const referencedBy = (list.subjects.find((s) => s.subject === subject)?.referencedBy ?? [])
      .filter((r) => r.referencedVersion === current.version)
      .map(({ subject: s, version: v }) => ({ subject: s, version: v }));
    return {
      subject,
      version: current.version,
      id: current.id,
      format: current.schemaType,
      schema: prettySchema(current.schema),
      references: current.references,
      referencedBy,
      versions: all.map((v) => ({ version: v.version, id: v.id })),
      level: level.level,
      levelSource: level.source,
    };
  };

  return { registryUrl: registry.url, listSubjects, getVersion, getRaw, levelOf };
}

/** JSON schema text indented by two spaces; other text (Protobuf) as it is. */
export function prettySchema(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function isNotFound(error: unknown): boolean {
  return (
    error instanceof RegistryError &&
    (error.status === 404 ||
      error.registryCode === REGISTRY_ERROR_CODES.SUBJECT_NOT_FOUND ||
      error.registryCode === REGISTRY_ERROR_CODES.VERSION_NOT_FOUND)
  );
}

/** `fn` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
