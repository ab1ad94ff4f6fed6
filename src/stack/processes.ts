/**
 * Starting, finding and stopping the stack's JVMs. Each server runs detached in its own process
 * group with its output in a log file; a pid file records it, and a marker system property on its
 * command line (`-Dcontracts.stack.process=…`) lets `down` tell our process from an unrelated one
 * that reused the pid.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { StackError } from '../errors';
import { MIN_JAVA_MAJOR } from './versions';

export interface JavaRuntime {
  executable: string;
  major: number;
}

/** Finds `java` (JAVA_HOME first, then PATH) and checks it is new enough for both servers. */
export function findJava(): JavaRuntime {
  const home = process.env.JAVA_HOME;
  const executable = home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
  const probe = spawnSync(executable, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new StackError(
      'Java is not installed or not on PATH (the local stack runs Kafka and the registry on a JVM)',
      {
        hint: `install a JDK ${MIN_JAVA_MAJOR}+ (e.g. \`apt-get install openjdk-17-jre-headless\`) or set JAVA_HOME; or point KAFKA_BROKERS and SCHEMA_REGISTRY_URL at servers you run yourself (docker compose up)`,
        cause: probe.error,
      },
    );
  }
  const text = `${probe.stderr}${probe.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const first = Number(match?.[1] ?? 0);
  const major = first === 1 ? Number(match?.[2] ?? 0) : first;
  if (major < MIN_JAVA_MAJOR) {
    throw new StackError(
      `Java ${major || 'of unknown version'} is too old for the local stack (needs ${MIN_JAVA_MAJOR}+)`,
      {
        hint: `install a JDK ${MIN_JAVA_MAJOR}+ and put it first on PATH or in JAVA_HOME`,
      },
    );
  }
  return { executable, major };
}

/** Fails with a StackError naming the port and its owner's role when something listens there. */
export async function assertPortFree(port: number, role: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new StackError(`port ${port} on 127.0.0.1 (${role}) is already in use by another process`, {
      hint: `stop whatever listens there (\`ss -ltnp 'sport = :${port}'\` shows it), or choose other ports: contracts stack up --kafka-port <port> --registry-port <port>`,
    });
  }
}

export function isPortListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

const RUN_HEADER = '---- contracts stack:';

export interface ManagedProcessSpec {
  /** Short name used for the pid file, the log file and the marker, e.g. `kafka-1`, `registry`. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  /** Identifies this stack's processes: `<name>@<stack dir>`. */
  marker: string;
}

export function processMarker(name: string, stackDir: string): string {
  return `${name}@${stackDir}`;
}

export function markerArgument(marker: string): string {
  return `-Dcontracts.stack.process=${marker}`;
}

/** Starts the process detached (own process group) so it outlives the CLI and can be stopped as a group. */
export function startManagedProcess(spec: ManagedProcessSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  try {
    writeFileSync(out, `\n${RUN_HEADER} ${new Date().toISOString()} starting ${spec.name}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      detached: true,
      stdio: ['ignore', out, out],
      env: process.env,
    });
    if (child.pid === undefined) {
      throw new StackError(`could not start ${spec.name} (${spec.command})`, { hint: `see ${spec.logFile}` });
    }
    // Reap an early exit so it does not linger as a zombie while we wait for readiness.
    child.on('error', () => undefined);
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

export function readPidFile(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when `pid` is alive and its command line carries our marker (so a reused pid is not ours). */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const commandLine = readCommandLine(pid);
  return commandLine !== undefined && commandLine.includes(markerArgument(marker));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function readCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // Not Linux (macOS): ask ps.
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout : undefined;
  }
}

export interface StopOptions {
  /** SIGTERM lets Kafka shut down cleanly; SIGKILL simulates a crash (fail-over tests). */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** How long to wait after SIGTERM before SIGKILL. */
  graceMs?: number;
}

/**
 * Stops the process recorded in `pidFile` if it is still ours; removes the pid file.
 * Returns whether a process was stopped.
 */
export async function stopManagedProcess(pidFile: string, marker: string, options: StopOptions = {}): Promise<boolean> {
  const pid = readPidFile(pidFile);
  if (pid === undefined || !isOurProcess(pid, marker)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  const signal = options.signal ?? 'SIGTERM';
  signalGroup(pid, signal);
  const deadline = Date.now() + (signal === 'SIGKILL' ? 5_000 : (options.graceMs ?? 20_000));
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < killDeadline) await sleep(100);
  }
  rmSync(pidFile, { force: true });
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group the detached spawn created, and nothing else.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Resident memory of a process in bytes (Linux), for `status`; undefined elsewhere. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The last lines of a log, for error messages when a server does not come up. */
export function tailFile(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no log file)';
  const text = readFileSync(file, 'utf8');
  // Only this run's lines: the log is appended to across starts, each opened by a `----` line.
  const runStart = text.lastIndexOf(`\n${RUN_HEADER}`);
  const thisRun = runStart >= 0 ? text.slice(runStart + 1) : text;
  return thisRun.trimEnd().split('\n').slice(-lines).join('\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
