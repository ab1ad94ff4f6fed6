/**
 * The local stack: Kafka (KRaft, 1 or 3 nodes) and Apicurio Registry on 127.0.0.1, started from
 * jars in `.cache/stack`, with config, data, logs and pid files in `.stack/`.
 *
 *   const stack = createLocalStack({ rootDir });
 *   const { env } = await stack.up();      // reuses a running stack
 *   await stack.stopBroker(2, { signal: 'SIGKILL' }); await stack.startBroker(2);
 *   await stack.down();
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StackError } from '../errors';
import { resolveArtifacts, type ResolvedArtifacts } from './artifacts';
import { readStackEnvFile, writeStackEnvFile, type StackEnv } from './env-file';
import { kafkaNodeArgs, planKafkaNodes, prepareKafkaNode, type KafkaNode, type KafkaTopology } from './kafka';
import {
  assertPortFree,
  findJava,
  isOurProcess,
  processMarker,
  readPidFile,
  residentBytes,
  sleep,
  startManagedProcess,
  stopManagedProcess,
  tailFile,
  type JavaRuntime,
  type StopOptions,
} from './processes';
import { describeKafkaBrokers, registryServes } from './readiness';
import { registryArgs, registryUrl } from './registry';
import type { SaslPlainOptions } from './sasl';
import { APICURIO_VERSION, KAFKA_VERSION } from './versions';

export const DEFAULT_KAFKA_PORT = 9092;
export const DEFAULT_REGISTRY_PORT = 8081;

export interface LocalStackOptions {
  /** Project root; `.stack/` and `.cache/stack/` live under it unless given below. */
  rootDir: string;
  stackDir?: string;
  cacheDir?: string;
  /** Number of KRaft nodes (each broker + controller). Default 1, or what the running stack has. */
  brokers?: number;
  /** First broker's port; further brokers take the next ports, then the controllers. */
  kafkaPort?: number;
  registryPort?: number;
  kafkaHeapMb?: number;
  registryHeapMb?: number;
  /** How long `up` and `start*` wait for servers to serve. */
  startTimeoutMs?: number;
  kafkaVersion?: string;
  registryVersion?: string;
  /** Adds a SASL/PLAIN listener to every Kafka node (ports after the controllers; see src/stack/sasl.ts). */
  saslPlain?: SaslPlainOptions;
  /** Progress lines for people; the CLI sends them to stderr. */
  log?: (line: string) => void;
}

export interface StackUpResult {
  env: StackEnv;
  /** True when everything was already running and nothing was started. */
  reused: boolean;
  /** Names of the processes this call started, e.g. `kafka-1`, `registry`. */
  started: string[];
  /** True when Maven downloaded jars (a cold start). */
  downloaded: boolean;
  durationMs: number;
  envFile: string;
}

export interface StackProcessStatus {
  name: string;
  port: number;
  pid: number | undefined;
  /** The recorded process is alive and is ours. */
  running: boolean;
  /** It answers requests (Kafka: listed in cluster metadata; registry: GET /subjects). */
  serving: boolean;
  rssBytes: number | undefined;
  logFile: string;
}

export interface StackStatus {
  state: 'running' | 'degraded' | 'stopped';
  brokers: StackProcessStatus[];
  registry: StackProcessStatus;
  env: StackEnv | undefined;
  envFile: string;
  totalRssBytes: number;
  kafkaVersion: string;
  registryVersion: string;
}

export interface LocalStack {
  readonly stackDir: string;
  readonly envFile: string;
  up(): Promise<StackUpResult>;
  /** Stops the processes this stack started (pid file + marker); `purge` also deletes data and logs. */
  down(options?: { purge?: boolean }): Promise<string[]>;
  status(): Promise<StackStatus>;
  /** Kills (SIGKILL) or stops (SIGTERM, default) one Kafka node, for fail-over tests. */
  stopBroker(nodeId: number, options?: StopOptions): Promise<void>;
  /** Starts a stopped node again and waits until the cluster lists it. */
  startBroker(nodeId: number): Promise<void>;
  stopRegistry(options?: StopOptions): Promise<void>;
  startRegistry(): Promise<void>;
}

interface StackState {
  brokers: number;
  kafkaPort: number;
  registryPort: number;
  kafkaVersion: string;
  registryVersion: string;
}

interface Layout {
  state: StackState;
  nodes: KafkaNode[];
  clusterIdFile: string;
  registryDataDir: string;
}

export function createLocalStack(options: LocalStackOptions): LocalStack {
  const rootDir = resolve(options.rootDir);
  const stackDir = resolve(options.stackDir ?? join(rootDir, '.stack'));
  const cacheDir = resolve(options.cacheDir ?? join(rootDir, '.cache', 'stack'));
  const envFile = join(stackDir, 'env');
  const stateFile = join(stackDir, 'state.json');
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  const log = options.log ?? (() => undefined);
  let artifacts: ResolvedArtifacts | undefined;
  let java: JavaRuntime | undefined;

  const pidFile = (name: string) => join(stackDir, 'pids', `${name}.pid`);
  const logFile = (name: string) => join(stackDir, 'logs', `${name}.log`);
  const marker = (name: string) => processMarker(name, stackDir);
  const brokerName = (nodeId: number) => `kafka-${nodeId}`;
  const running = (name: string) => {
    const pid = readPidFile(pidFile(name));
    return pid !== undefined && isOurProcess(pid, marker(name));
  };

  function readState(): StackState | undefined {
    if (!existsSync(stateFile)) return undefined;
    try {
      return JSON.parse(readFileSync(stateFile, 'utf8')) as StackState;
    } catch {
      return undefined;
    }
  }

  function layoutFor(state: StackState): Layout {
    const kafkaDir = join(stackDir, `kafka-${state.brokers}-nodes`);
    return {
      state,
      nodes: planKafkaNodes({
        brokers: state.brokers,
        kafkaPort: state.kafkaPort,
        kafkaDir,
        sasl: options.saslPlain !== undefined,
      }),
      clusterIdFile: join(kafkaDir, 'cluster-id'),
      registryDataDir: join(stackDir, 'registry'),
    };
  }

  function anyRunning(state: StackState): boolean {
    return running('registry') || layoutFor(state).nodes.some((n) => running(brokerName(n.nodeId)));
  }

  /** The requested topology, or the recorded one where the caller left a choice open. */
  function currentLayout(): Layout {
    const recorded = readState();
    const recordedRuns = recorded !== undefined && anyRunning(recorded);
    const state: StackState = {
      brokers: options.brokers ?? (recordedRuns ? recorded.brokers : 1),
      kafkaPort: options.kafkaPort ?? (recordedRuns ? recorded.kafkaPort : DEFAULT_KAFKA_PORT),
      registryPort: options.registryPort ?? (recordedRuns ? recorded.registryPort : DEFAULT_REGISTRY_PORT),
      kafkaVersion: options.kafkaVersion ?? KAFKA_VERSION,
      registryVersion: options.registryVersion ?? APICURIO_VERSION,
    };
    if (recordedRuns && recorded) {
      const differs = (['brokers', 'kafkaPort', 'registryPort', 'kafkaVersion', 'registryVersion'] as const).filter(
        (key) => recorded[key] !== state[key],
      );
      if (differs.length > 0) {
        throw new StackError(
          `a stack with a different setup is running (${differs.map((k) => `${k}: ${recorded[k]} running, ${state[k]} asked`).join('; ')})`,
          { hint: 'run `contracts stack down` first, or ask for the running setup' },
        );
      }
    }
    return layoutFor(state);
  }

  function envOf(layout: Layout): StackEnv {
    return {
      KAFKA_BROKERS: layout.nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
      SCHEMA_REGISTRY_URL: registryUrl(layout.state.registryPort),
    };
  }

  function prerequisites(state: StackState): { java: JavaRuntime; artifacts: ResolvedArtifacts } {
    java ??= findJava();
    artifacts ??= resolveArtifacts({
      cacheDir,
      kafkaVersion: state.kafkaVersion,
      registryVersion: state.registryVersion,
      log,
    });
    return { java, artifacts };
  }

  function clusterIdOf(layout: Layout): string {
    if (existsSync(layout.clusterIdFile)) return readFileSync(layout.clusterIdFile, 'utf8').trim();
    // KRaft cluster IDs are 16 random bytes, base64url without padding; like Kafka's own
    // Uuid.randomUuid(), never one starting with '-', which the storage tool takes for a flag.
    let id = randomBytes(16).toString('base64url');
    while (id.startsWith('-')) id = randomBytes(16).toString('base64url');
    mkdirSync(join(layout.clusterIdFile, '..'), { recursive: true });
    writeFileSync(layout.clusterIdFile, `${id}\n`);
    return id;
  }

  async function launchBroker(layout: Layout, node: KafkaNode): Promise<void> {
    const name = brokerName(node.nodeId);
    await assertPortFree(node.port, `Kafka node ${node.nodeId}`);
    await assertPortFree(node.controllerPort, `Kafka controller ${node.nodeId}`);
    if (node.saslPort !== undefined) await assertPortFree(node.saslPort, `Kafka SASL listener ${node.nodeId}`);
    const { java: jre, artifacts: jars } = prerequisites(layout.state);
    const topology: KafkaTopology = { clusterId: clusterIdOf(layout), nodes: layout.nodes, sasl: options.saslPlain };
    const jvm = {
      java: jre.executable,
      libDir: jars.kafkaLibDir,
      heapMb: options.kafkaHeapMb ?? (layout.state.brokers > 1 ? 256 : 384),
      marker: marker(name),
    };
    prepareKafkaNode(node, topology, jvm);
    startManagedProcess({
      name,
      command: jre.executable,
      args: kafkaNodeArgs(node, jvm),
      cwd: node.dir,
      logFile: logFile(name),
      pidFile: pidFile(name),
      marker: marker(name),
    });
  }

  async function launchRegistry(layout: Layout): Promise<boolean> {
    await assertPortFree(layout.state.registryPort, 'Schema Registry');
    const { java: jre, artifacts: jars } = prerequisites(layout.state);
    mkdirSync(layout.registryDataDir, { recursive: true });
    const fresh = !existsSync(join(layout.registryDataDir, 'registry.mv.db'));
    startManagedProcess({
      name: 'registry',
      command: jre.executable,
      args: registryArgs({
        java: jre.executable,
        jar: jars.registryJar,
        port: layout.state.registryPort,
        dataDir: layout.registryDataDir,
        heapMb: options.registryHeapMb ?? 256,
        marker: marker('registry'),
      }),
      cwd: layout.registryDataDir,
      logFile: logFile('registry'),
      pidFile: pidFile('registry'),
      marker: marker('registry'),
    });
    return fresh;
  }

  /** Waits until `check` passes; fails early when the process died, with its log's last lines. */
  async function waitUntil(name: string, what: string, check: () => Promise<boolean>, deadline: number): Promise<void> {
    for (;;) {
      if (await check()) return;
      if (!running(name)) {
        throw new StackError(
          `${what} exited during start-up; last lines of ${logFile(name)}:\n${tailFile(logFile(name))}`,
          {
            hint: `read ${logFile(name)}; if its data is damaged, \`contracts stack down --purge\` starts from scratch`,
          },
        );
      }
      if (Date.now() > deadline) {
        throw new StackError(
          `${what} did not come up within ${Math.round(timeoutMs / 1000)} s; last lines of ${logFile(name)}:\n${tailFile(logFile(name))}`,
          {
            hint: 'a slow or busy machine may need more time: contracts stack up --timeout <seconds>',
            retriable: true,
          },
        );
      }
      await sleep(300);
    }
  }

  /** A node serves when it answers a metadata request itself and the cluster lists it. */
  async function nodeServes(node: KafkaNode): Promise<boolean> {
    return (await describeKafkaBrokers([`127.0.0.1:${node.port}`]))?.includes(node.nodeId) ?? false;
  }

  async function waitForBrokers(layout: Layout, nodeIds: number[], deadline: number): Promise<void> {
    await Promise.all(
      nodeIds.map((nodeId) =>
        waitUntil(brokerName(nodeId), `Kafka node ${nodeId}`, () => nodeServes(nodeOf(layout, nodeId)), deadline),
      ),
    );
  }

  async function waitForRegistry(layout: Layout, deadline: number): Promise<void> {
    const url = registryUrl(layout.state.registryPort);
    await waitUntil('registry', 'the Schema Registry', () => registryServes(url), deadline);
  }

  /** Confluent's default compatibility is BACKWARD, Apicurio's NONE; set it once on a new database. */
  async function setConfluentDefaults(layout: Layout): Promise<void> {
    const url = registryUrl(layout.state.registryPort);
    const response = await fetch(`${url}/config`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      throw new StackError(
        `the registry refused its default compatibility (HTTP ${response.status}): ${await response.text()}`,
      );
    }
  }

  async function up(): Promise<StackUpResult> {
    const began = Date.now();
    const layout = currentLayout();
    const deadline = began + timeoutMs;
    const started: string[] = [];
    const missingBrokers = layout.nodes.filter((n) => !running(brokerName(n.nodeId)));
    const registryMissing = !running('registry');
    let downloaded = false;
    try {
      if (missingBrokers.length > 0 || registryMissing) {
        downloaded = prerequisites(layout.state).artifacts.downloaded;
        log(
          `starting ${[...missingBrokers.map((n) => `Kafka node ${n.nodeId} (127.0.0.1:${n.port})`), ...(registryMissing ? [`Schema Registry (127.0.0.1:${layout.state.registryPort})`] : [])].join(', ')}`,
        );
      }
      // Check every port before starting anything, so a taken port leaves nothing half-started.
      for (const node of missingBrokers) {
        await assertPortFree(node.port, `Kafka node ${node.nodeId}`);
        await assertPortFree(node.controllerPort, `Kafka controller ${node.nodeId}`);
        if (node.saslPort !== undefined) await assertPortFree(node.saslPort, `Kafka SASL listener ${node.nodeId}`);
      }
      if (registryMissing) await assertPortFree(layout.state.registryPort, 'Schema Registry');
      // Kafka and the registry do not depend on each other: start all, then wait for all.
      for (const node of missingBrokers) {
        await launchBroker(layout, node);
        started.push(brokerName(node.nodeId));
      }
      let freshRegistry = false;
      if (registryMissing) {
        freshRegistry = await launchRegistry(layout);
        started.push('registry');
      }
      mkdirSync(stackDir, { recursive: true });
      writeFileSync(stateFile, JSON.stringify(layout.state, null, 2) + '\n');
      await Promise.all([
        waitForBrokers(
          layout,
          layout.nodes.map((n) => n.nodeId),
          deadline,
        ),
        waitForRegistry(layout, deadline),
      ]);
      if (freshRegistry) await setConfluentDefaults(layout);
    } catch (error) {
      // Leave no half-started stack behind: stop exactly what this call started.
      for (const name of started) await stopManagedProcess(pidFile(name), marker(name), { graceMs: 5_000 });
      throw error;
    }
    const env = envOf(layout);
    writeStackEnvFile(envFile, env);
    return { env, reused: started.length === 0, started, downloaded, durationMs: Date.now() - began, envFile };
  }

  async function down(downOptions: { purge?: boolean } = {}): Promise<string[]> {
    const recorded = readState();
    const stopped: string[] = [];
    if (recorded) {
      const layout = layoutFor(recorded);
      // Registry first (it is a client of nothing, but stopping it first keeps the order simple),
      // then brokers in parallel so a 3-node cluster shuts down together.
      if (await stopManagedProcess(pidFile('registry'), marker('registry'))) stopped.push('registry');
      const results = await Promise.all(
        layout.nodes.map(async (n) =>
          (await stopManagedProcess(pidFile(brokerName(n.nodeId)), marker(brokerName(n.nodeId))))
            ? brokerName(n.nodeId)
            : undefined,
        ),
      );
      stopped.push(...results.filter((name): name is string => name !== undefined));
    }
    rmSync(envFile, { force: true });
    if (downOptions.purge) rmSync(stackDir, { recursive: true, force: true });
    return stopped;
  }

  async function status(): Promise<StackStatus> {
    const recorded = readState();
    const state: StackState = recorded ?? {
      brokers: options.brokers ?? 1,
      kafkaPort: options.kafkaPort ?? DEFAULT_KAFKA_PORT,
      registryPort: options.registryPort ?? DEFAULT_REGISTRY_PORT,
      kafkaVersion: options.kafkaVersion ?? KAFKA_VERSION,
      registryVersion: options.registryVersion ?? APICURIO_VERSION,
    };
    const layout = layoutFor(state);
    const env = envOf(layout);
    const servingNodes = await Promise.all(
      layout.nodes.map(async (n) => running(brokerName(n.nodeId)) && (await nodeServes(n))),
    );
    const describe = (name: string, port: number, serving: boolean): StackProcessStatus => {
      const pid = readPidFile(pidFile(name));
      const alive = pid !== undefined && isOurProcess(pid, marker(name));
      return {
        name,
        port,
        pid: alive ? pid : undefined,
        running: alive,
        serving: alive && serving,
        rssBytes: alive && pid !== undefined ? residentBytes(pid) : undefined,
        logFile: logFile(name),
      };
    };
    const brokers = layout.nodes.map((n, index) =>
      describe(brokerName(n.nodeId), n.port, servingNodes[index] ?? false),
    );
    const registryRunning = running('registry');
    const registry = describe(
      'registry',
      state.registryPort,
      registryRunning && (await registryServes(env.SCHEMA_REGISTRY_URL)),
    );
    const all = [...brokers, registry];
    const serving = all.filter((p) => p.serving).length;
    return {
      state: serving === all.length ? 'running' : all.some((p) => p.running) ? 'degraded' : 'stopped',
      brokers,
      registry,
      env: serving === all.length ? (readStackEnvFile(envFile) ?? env) : undefined,
      envFile,
      totalRssBytes: all.reduce((sum, p) => sum + (p.rssBytes ?? 0), 0),
      kafkaVersion: state.kafkaVersion,
      registryVersion: state.registryVersion,
    };
  }

  function recordedLayout(): Layout {
    const recorded = readState();
    if (!recorded) {
      throw new StackError('no local stack has been started here', { hint: 'run `contracts stack up` first' });
    }
    return layoutFor(recorded);
  }

  function nodeOf(layout: Layout, nodeId: number): KafkaNode {
    const node = layout.nodes.find((n) => n.nodeId === nodeId);
    if (!node) {
      throw new StackError(`there is no Kafka node ${nodeId}; the stack has ${layout.nodes.length}`, {
        hint: `use a node ID from 1 to ${layout.nodes.length}`,
      });
    }
    return node;
  }

  return {
    stackDir,
    envFile,
    up,
    down,
    status,
    async stopBroker(nodeId, stopOptions) {
      nodeOf(recordedLayout(), nodeId);
      await stopManagedProcess(pidFile(brokerName(nodeId)), marker(brokerName(nodeId)), stopOptions);
    },
    async startBroker(nodeId) {
      const layout = recordedLayout();
      const node = nodeOf(layout, nodeId);
      if (!running(brokerName(nodeId))) await launchBroker(layout, node);
      await waitForBrokers(layout, [nodeId], Date.now() + timeoutMs);
    },
    async stopRegistry(stopOptions) {
      await stopManagedProcess(pidFile('registry'), marker('registry'), stopOptions);
    },
    async startRegistry() {
      const layout = recordedLayout();
      let fresh = false;
      if (!running('registry')) fresh = await launchRegistry(layout);
      await waitForRegistry(layout, Date.now() + timeoutMs);
      if (fresh) await setConfluentDefaults(layout);
    },
  };
}
