/**
 * Lock files: the registry's subjects, versions, IDs, references and levels as deterministic JSON
 * (`contracts pull`), and back (a baseline for `contracts check --against <lock-file>`).
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { COMPATIBILITY_LEVELS, SCHEMA_FORMATS, type CompatibilityLevel } from '../config';
import { DEFAULT_SCHEMA_TYPE } from '../formats';
import { BaselineError } from '../errors';
import type { SchemaRegistryClient } from '../registry';
import { mapLimit } from './concurrency';
import type { LockFile, LockSubject, LockVersion } from './types';

export const DEFAULT_LOCK_FILE = 'contracts.lock.json';

export interface PullOptions {
  registry: SchemaRegistryClient;
  /** Only subjects whose name starts with this. */
  prefix?: string;
  /** Only these subjects, plus every subject they reference. */
  subjects?: readonly string[];
  /** Parallel registry requests; default 8. */
  concurrency?: number;
}

/** Reads every (chosen) subject with all its versions from the registry. */
export async function pullRegistry(options: PullOptions): Promise<LockFile> {
  const { registry } = options;
  const concurrency = options.concurrency ?? 8;
  const all = await registry.listSubjects();
  const globalCompatibility = await registry.getCompatibility();
  let wanted = all.filter((s) => options.prefix === undefined || s.startsWith(options.prefix));
  if (options.subjects) {
    const present = new Set(all);
    wanted = options.subjects.filter((s) => present.has(s) && wanted.includes(s));
  }
  const subjects = new Map<string, LockSubject>();
  // Referenced subjects join the queue, so a lock of some subjects still resolves all references.
  let queue = [...new Set(wanted)];
  while (queue.length > 0) {
    const loaded = await mapLimit(queue, concurrency, (subject) => pullSubject(registry, subject, concurrency));
    const next = new Set<string>();
    queue.forEach((subject, i) => {
      const entry = loaded[i] as LockSubject;
      subjects.set(subject, entry);
      for (const v of entry.versions) for (const r of v.references) if (!subjects.has(r.subject)) next.add(r.subject);
    });
    queue = [...next].filter((s) => !subjects.has(s));
  }
  const sorted = [...subjects.keys()].sort(compareStrings);
  return {
    lockfileVersion: 1,
    registry: registry.url,
    globalCompatibility,
    subjects: Object.fromEntries(sorted.map((s) => [s, subjects.get(s) as LockSubject])),
  };
}

async function pullSubject(registry: SchemaRegistryClient, subject: string, concurrency: number): Promise<LockSubject> {
  const [numbers, compatibility] = await Promise.all([
    registry.listVersions(subject),
    registry.getCompatibility(subject),
  ]);
  const versions = await mapLimit(
    [...numbers].sort((a, b) => a - b),
    concurrency,
    async (n): Promise<LockVersion> => {
      const v = await registry.getSubjectVersion(subject, n);
      return {
        version: v.version,
        id: v.id,
        schema: v.schema,
        references: v.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version })),
      };
    },
  );
  const latest =
    numbers.length > 0 ? await registry.getSubjectVersion(subject, numbers[numbers.length - 1] as number) : undefined;
  return { compatibility, schemaType: latest?.schemaType ?? DEFAULT_SCHEMA_TYPE, versions };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic text: fixed key order, subjects sorted, versions ascending, newline at the end. */
export function serializeLockFile(lock: LockFile): string {
  const subjects: Record<string, unknown> = {};
  for (const name of Object.keys(lock.subjects).sort(compareStrings)) {
    const s = lock.subjects[name] as LockSubject;
    subjects[name] = {
      compatibility: s.compatibility,
      schemaType: s.schemaType,
      versions: [...s.versions]
        .sort((a, b) => a.version - b.version)
        .map((v) => ({
          version: v.version,
          id: v.id,
          schema: v.schema,
          references: v.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version })),
        })),
    };
  }
  const ordered = {
    lockfileVersion: lock.lockfileVersion,
    registry: lock.registry,
    globalCompatibility: lock.globalCompatibility,
    subjects,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

const reference = {
  type: 'object',
  required: ['name', 'subject', 'version'],
  properties: { name: { type: 'string' }, subject: { type: 'string' }, version: { type: 'integer', minimum: 1 } },
} as const;

const lockSchema = {
  type: 'object',
  required: ['lockfileVersion', 'subjects'],
  properties: {
    lockfileVersion: { const: 1 },
    registry: { type: 'string' },
    globalCompatibility: { enum: [...COMPATIBILITY_LEVELS, null] },
    subjects: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['versions'],
        properties: {
          compatibility: { enum: [...COMPATIBILITY_LEVELS, null] },
          schemaType: { enum: [...SCHEMA_FORMATS] },
          versions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['version', 'schema'],
              properties: {
                version: { type: 'integer', minimum: 1 },
                id: { type: 'integer' },
                schema: { type: 'string' },
                references: { type: 'array', items: reference },
              },
            },
          },
        },
      },
    },
  },
} as const;

let validateLock: ReturnType<Ajv['compile']> | undefined;

/** Reads and checks a lock file; every problem is a BaselineError naming the file. */
export function readLockFile(file: string): LockFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new BaselineError(file, `cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, {
      cause,
      hint: 'pass an existing lock file or a git ref to --against; `contracts pull` writes one',
    });
  }
  return parseLockFile(text, file);
}

export function parseLockFile(text: string, file: string): LockFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new BaselineError(file, `is not valid JSON: ${(cause as Error).message}`, {
      cause,
      hint: 'restore it from git or write it again with `contracts pull`',
    });
  }
  validateLock ??= new Ajv({ allErrors: true }).compile(lockSchema);
  if (!validateLock(raw)) {
    const problems = (validateLock.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new BaselineError(file, `is not a contracts lock file: ${problems.join('; ')}`, {
      hint: 'write it again with `contracts pull`',
    });
  }
  const input = raw as {
    registry?: string;
    globalCompatibility?: CompatibilityLevel | null;
    subjects: Record<
      string,
      Partial<LockSubject> & { versions: Array<Partial<LockVersion> & { version: number; schema: string }> }
    >;
  };
  const subjects: Record<string, LockSubject> = {};
  for (const [name, s] of Object.entries(input.subjects)) {
    subjects[name] = {
      compatibility: s.compatibility ?? null,
      schemaType: s.schemaType ?? DEFAULT_SCHEMA_TYPE,
      versions: s.versions
        .map((v) => ({ version: v.version, id: v.id ?? 0, schema: v.schema, references: v.references ?? [] }))
        .sort((a, b) => a.version - b.version),
    };
  }
  // Every reference must resolve inside the file: the offline check has no registry to ask.
  for (const [name, s] of Object.entries(subjects)) {
    for (const v of s.versions) {
      for (const r of v.references) {
        if (!subjects[r.subject]?.versions.some((x) => x.version === r.version)) {
          throw new BaselineError(
            file,
            `${name} version ${v.version} references ${r.subject} version ${r.version}, which the file does not contain`,
            {
              hint: 'write the lock file again with `contracts pull` (it includes every referenced subject)',
            },
          );
        }
      }
    }
  }
  return {
    lockfileVersion: 1,
    registry: input.registry ?? '',
    globalCompatibility: input.globalCompatibility ?? null,
    subjects,
  };
}
