/**
 * Baselines for the offline check: the schema history each subject had before — from a lock file
 * (the registry's full history) or from a git ref (the config and schema files at that commit,
 * read by the same codegen readers: one version per subject).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { readTopics } from '../../codegen';
import { type ContractsConfig, parseConfig } from '../config';
import { BaselineError, isContractsError } from '../errors';
import type { SchemaFormat } from '../config';
import { subjectsOfTopics } from './local';
import { readLockFile } from './lock';
import type { LockFile, LockReference } from './types';

export interface BaselineVersion {
  version: number;
  id?: number;
  schema: string;
  references: LockReference[];
  /** Where it came from, for messages: `origin/main:schemas/avro/Money.avsc`, `contracts.lock.json travel.Money v2`. */
  source: string;
}

export interface BaselineSubject {
  subject: string;
  format: SchemaFormat;
  versions: BaselineVersion[];
}

export interface Baseline {
  kind: 'git' | 'lock';
  /** `git <ref>` or the lock file path. */
  description: string;
  subjects: ReadonlyMap<string, BaselineSubject>;
}

/** A lock file's subjects and full histories. */
export function lockBaseline(lock: LockFile, file: string): Baseline {
  const subjects = new Map<string, BaselineSubject>();
  for (const [subject, s] of Object.entries(lock.subjects)) {
    subjects.set(subject, {
      subject,
      format: s.schemaType,
      versions: s.versions.map((v) => ({ ...v, source: `${file} ${subject} v${v.version}` })),
    });
  }
  return { kind: 'lock', description: file, subjects };
}

export function readLockBaseline(file: string): Baseline {
  return lockBaseline(readLockFile(file), file);
}

export interface GitBaselineOptions {
  /** The working tree's config: its file's path inside the repository is read at `ref`. */
  config: Pick<ContractsConfig, 'configFile'>;
  ref: string;
}

/**
 * The subjects as the config and schema files at `ref` define them. Files are copied from git into
 * a temporary folder with the repository's layout, and read there with codegen's readers.
 */
export function gitBaseline(options: GitBaselineOptions): Baseline {
  const { ref } = options;
  const configFile = realpathSync(options.config.configFile);
  const root = gitRoot(dirname(configFile));
  verifyRef(root, ref);
  const configRel = toGitPath(relative(root, configFile));
  const configText = gitShow(root, ref, configRel, `the config is not in ${ref} (is it new there?)`);
  let raw: unknown;
  try {
    raw = JSON.parse(configText);
  } catch (cause) {
    throw new BaselineError(`${ref}:${configRel}`, `is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const tmp = mkdtempSync(join(tmpdir(), 'contracts-baseline-'));
  try {
    const tmpConfig = join(tmp, configRel);
    mkdirSync(dirname(tmpConfig), { recursive: true });
    writeFileSync(tmpConfig, configText);
    let config: ContractsConfig;
    try {
      config = parseConfig(raw, tmpConfig);
    } catch (cause) {
      throw wrap(cause, `${ref}:${configRel}`);
    }
    const files = new Set<string>();
    for (const topic of config.topics)
      for (const f of [topic.value, ...topic.references, ...topic.events.map((e) => e.schema)]) files.add(f);
    for (const file of files) {
      const rel = relative(tmp, file);
      if (rel.startsWith('..') || isAbsolute(rel)) {
        throw new BaselineError(`${ref}:${configRel}`, `names ${file}, which is outside the repository`, {
          hint: 'keep the schema files inside the repository so git has them',
        });
      }
      const gitPath = toGitPath(rel);
      const text = gitShow(root, ref, gitPath, `the config at ${ref} names ${gitPath}, which is not in ${ref}`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    let locals;
    try {
      locals = subjectsOfTopics(readTopics(config), config);
    } catch (cause) {
      throw wrap(cause, `${ref}`);
    }
    const subjects = new Map<string, BaselineSubject>();
    for (const local of locals) {
      subjects.set(local.subject, {
        subject: local.subject,
        format: local.format,
        versions: [
          {
            version: 1,
            schema: local.schema,
            references: local.references.map((r) => ({ ...r, version: 1 })),
            source: `${ref}:${toGitPath(relative(tmp, local.path))}`,
          },
        ],
      });
    }
    return { kind: 'git', description: `git ${ref}`, subjects };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function wrap(cause: unknown, source: string): BaselineError {
  const reason = isContractsError(cause) ? cause.message : String(cause);
  return new BaselineError(source, `the baseline cannot be read: ${reason}`, {
    cause,
    hint: 'the schemas at that ref are broken; compare with another ref or a lock file (`contracts pull`)',
  });
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: string | Buffer }).stderr;
  return (stderr ? String(stderr) : ((error as Error).message ?? String(error))).trim().split('\n')[0] ?? '';
}

function gitRoot(dir: string): string {
  try {
    return realpathSync(git(dir, ['rev-parse', '--show-toplevel']).trim());
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new BaselineError(
      dir,
      missing ? 'git is not installed' : `is not inside a git repository (${stderrOf(cause)})`,
      {
        cause,
        hint: 'run the check in a git checkout, or pass a lock file to --against (`contracts pull` writes one)',
      },
    );
  }
}

function verifyRef(root: string, ref: string): void {
  try {
    git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch (cause) {
    throw new BaselineError(`git ${ref}`, 'is neither a git ref nor a lock file', {
      cause,
      hint: `fetch it first (in CI: \`git fetch origin main\`, or checkout with fetch-depth: 0), or pass an existing lock file`,
    });
  }
}

function gitShow(root: string, ref: string, path: string, whenMissing: string): string {
  try {
    return git(root, ['show', `${ref}:${path}`]);
  } catch (cause) {
    throw new BaselineError(`${ref}:${path}`, `${whenMissing} (${stderrOf(cause)})`, {
      cause,
      hint: 'compare with a ref that has the contracts, or pass a lock file to --against',
    });
  }
}

function toGitPath(path: string): string {
  return path.split(sep).join('/');
}
