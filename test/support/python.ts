/**
 * The Python the tests run their outside judges with (Confluent's Python client, Apache Avro's Python
 * library, grpcio-tools): a virtual environment under the ignored `.cache/python`, made from the pinned
 * requirements in test/support/python/ on first use and reused while they are unchanged, the way the
 * stack fetches its jars. Nothing is installed into the machine's own Python.
 *
 * Errors say what is really missing: the interpreter, its `venv` module, or what pip could not install.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const REQUIREMENTS = ['requirements.txt', 'interop-requirements.txt'].map((f) =>
  join(ROOT, 'test', 'support', 'python', f),
);
const CACHE = join(ROOT, '.cache', 'python');
const VENV = join(CACHE, 'venv');
const MARKER = join(VENV, '.requirements-sha256');
const LOCK = join(CACHE, '.lock');
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 15 * 60_000;

/** The interpreter on PATH the environment is made from (CONTRACTS_TEST_PYTHON overrides). */
const BASE_PYTHON = process.env.CONTRACTS_TEST_PYTHON ?? 'python3';

export class PythonSetupError extends Error {
  override name = 'PythonSetupError';
}

const requirementsHash = (): string => {
  const hash = createHash('sha256');
  for (const file of REQUIREMENTS) hash.update(readFileSync(file));
  return hash.digest('hex');
};

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const output = (run: SpawnSyncReturns<string>) =>
  `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new PythonSetupError(
      missing
        ? `${command} is not on PATH: the tests' Python judges need Python 3 (Debian: apt-get install python3 python3-venv)`
        : `cannot run ${command} to ${what}: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    const text = output(result);
    const hint = /ensurepip|No module named venv/.test(text)
      ? `\nPython's venv module is missing: install it (Debian: apt-get install python3-venv)`
      : '';
    throw new PythonSetupError(`${what} failed (exit ${result.status}):\n${text}${hint}`);
  }
}

function build(hash: string): void {
  rmSync(VENV, { recursive: true, force: true });
  run(BASE_PYTHON, ['-m', 'venv', VENV], `make the tests' Python environment (${BASE_PYTHON} -m venv ${VENV})`);
  const pip = [pythonPath(), '-m', 'pip', '--disable-pip-version-check', '--no-input', 'install', '--quiet'];
  const args = [...pip.slice(1), ...REQUIREMENTS.flatMap((f) => ['-r', f])];
  run(
    pip[0]!,
    args,
    `pip install of the tests' pinned Python packages (${REQUIREMENTS.map((f) => f.slice(ROOT.length + 1)).join(', ')})`,
  );
  writeFileSync(MARKER, hash);
}

/** The environment's interpreter (made or not). */
export function pythonPath(): string {
  return join(VENV, 'bin', 'python');
}

/**
 * The interpreter of the tests' Python environment, made first when it is missing or its
 * requirements changed. Safe to call from several jest workers at once: one makes it, the others wait.
 */
export function ensurePython(log: (line: string) => void = () => undefined): string {
  const hash = requirementsHash();
  const ready = () => existsSync(MARKER) && readFileSync(MARKER, 'utf8') === hash;
  if (ready()) return pythonPath();
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (ready()) return pythonPath();
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      sleepSync(500);
    }
  }
  try {
    if (!ready()) {
      const started = Date.now();
      log(`making the tests' Python environment in ${VENV} (once; from test/support/python/*requirements.txt)`);
      build(hash);
      log(`Python environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    return pythonPath();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
