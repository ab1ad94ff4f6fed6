/**
 * No Docker engine runs on the project's machines, so docker-compose.yml is checked statically:
 * the services the kit needs exist, images are pinned, ports and env names match what the kit and
 * the local stack use, and every dependency waits for a healthcheck that exists.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_KAFKA_PORT, DEFAULT_REGISTRY_PORT, STACK_ENV_NAMES } from '../../../src/stack';

interface ComposeService {
  image?: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test?: string[] | string; interval?: string; retries?: number };
  depends_on?: Record<string, { condition?: string }> | string[];
  command?: string[] | string;
  volumes?: string[];
  working_dir?: string;
  restart?: string;
}

const compose = parse(readFileSync(resolve(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function env(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, String(v)]));
}

/** `127.0.0.1:9092:9092` → { hostIp, hostPort, containerPort }. */
function publishedPorts(name: string): Array<{ hostIp: string; hostPort: number; containerPort: number }> {
  return (service(name).ports ?? []).map((spec) => {
    const parts = spec.split(':');
    expect(parts).toHaveLength(3);
    return { hostIp: parts[0] ?? '', hostPort: Number(parts[1]), containerPort: Number(parts[2]) };
  });
}

function listeners(value: string): Map<string, { host: string; port: number }> {
  return new Map(
    value.split(',').map((entry) => {
      const match = /^([A-Z_]+):\/\/([^:]*):(\d+)$/.exec(entry.trim());
      if (!match) throw new Error(`not a listener: ${entry}`);
      return [match[1] ?? '', { host: match[2] ?? '', port: Number(match[3]) }];
    }),
  );
}

const kafkaEnv = env('kafka');
const registryEnv = env('schema-registry');
const registerEnv = env('register-contracts');
const kafkaInternal = listeners(kafkaEnv.KAFKA_ADVERTISED_LISTENERS ?? '').get(
  kafkaEnv.KAFKA_INTER_BROKER_LISTENER_NAME ?? '',
);

describe('docker-compose.yml', () => {
  it('has Kafka, a Schema Registry, a registry UI and a one-shot registration', () => {
    expect(Object.keys(services).sort()).toEqual(['kafka', 'kafka-ui', 'register-contracts', 'schema-registry']);
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      expect({ name, image: s.image }).toEqual({
        name,
        image: expect.stringMatching(/^[\w./-]+:v?\d+\.\d+\.\d+[\w.-]*$/),
      });
    }
  });

  it('runs Kafka in KRaft mode (combined broker and controller, no ZooKeeper)', () => {
    expect(service('kafka').image).toMatch(/^(apache\/kafka|confluentinc\/cp-kafka):/);
    expect(kafkaEnv.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(kafkaEnv.KAFKA_CONTROLLER_QUORUM_VOTERS).toMatch(new RegExp(`^${kafkaEnv.KAFKA_NODE_ID}@`));
    expect(JSON.stringify(compose)).not.toMatch(/zookeeper/i);
    // One broker: internal topics must not ask for more replicas than exist.
    expect(kafkaEnv.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
  });

  it('publishes Kafka and the registry on loopback at the ports the local stack uses', () => {
    const kafkaPorts = publishedPorts('kafka');
    expect(kafkaPorts).toContainEqual({
      hostIp: '127.0.0.1',
      hostPort: DEFAULT_KAFKA_PORT,
      containerPort: expect.any(Number),
    });
    expect(publishedPorts('schema-registry')).toContainEqual({
      hostIp: '127.0.0.1',
      hostPort: DEFAULT_REGISTRY_PORT,
      containerPort: 8081,
    });
    for (const name of Object.keys(services)) {
      for (const port of publishedPorts(name))
        expect({ name, hostIp: port.hostIp }).toEqual({ name, hostIp: '127.0.0.1' });
    }
    // Host clients are told to reconnect to the published port on the host.
    const published = kafkaPorts.find((p) => p.hostPort === DEFAULT_KAFKA_PORT);
    const advertised = [...listeners(kafkaEnv.KAFKA_ADVERTISED_LISTENERS ?? '').values()];
    expect(advertised).toContainEqual({ host: '127.0.0.1', port: DEFAULT_KAFKA_PORT });
    const bound = [...listeners(kafkaEnv.KAFKA_LISTENERS ?? '').values()].map((l) => l.port);
    expect(bound).toContain(published?.containerPort);
  });

  it('points the registry at Kafka’s internal listener', () => {
    expect(kafkaInternal).toBeDefined();
    expect(registryEnv.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toBe(`PLAINTEXT://kafka:${kafkaInternal?.port}`);
    expect(registryEnv.SCHEMA_REGISTRY_LISTENERS).toMatch(/:8081$/);
  });

  it('gives the registration the kit’s env names, pointing at the servers inside the network', () => {
    expect(Object.keys(registerEnv).sort()).toEqual([...STACK_ENV_NAMES].sort());
    expect(registerEnv.KAFKA_BROKERS).toBe(`kafka:${kafkaInternal?.port}`);
    expect(registerEnv.SCHEMA_REGISTRY_URL).toBe('http://schema-registry:8081');
    const register = service('register-contracts');
    expect(register.command).toEqual(['node', 'bin/contracts.js', 'register']);
    expect(register.volumes?.some((v) => v.split(':')[1] === register.working_dir)).toBe(true);
    expect(register.restart).toBe('no');
  });

  it('wires the UI to the same Kafka and registry', () => {
    const ui = env('kafka-ui');
    expect(ui.KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).toBe(registerEnv.KAFKA_BROKERS);
    expect(ui.KAFKA_CLUSTERS_0_SCHEMAREGISTRY).toBe(registerEnv.SCHEMA_REGISTRY_URL);
  });

  it('has healthchecks on the servers, and every dependency waits for one', () => {
    for (const name of ['kafka', 'schema-registry']) {
      const check = service(name).healthcheck;
      expect(check?.test).toBeDefined();
      expect(check?.interval).toBeDefined();
      expect(check?.retries).toBeGreaterThan(0);
    }
    expect(service('schema-registry').healthcheck?.test?.toString()).toContain('/subjects');

    const expected: Record<string, string[]> = {
      'schema-registry': ['kafka'],
      'kafka-ui': ['kafka', 'schema-registry'],
      'register-contracts': ['kafka', 'schema-registry'],
    };
    for (const [name, dependencies] of Object.entries(expected)) {
      const dependsOn = service(name).depends_on;
      expect(Array.isArray(dependsOn)).toBe(false);
      const conditions = dependsOn as Record<string, { condition?: string }>;
      expect(Object.keys(conditions).sort()).toEqual(dependencies);
      for (const dependency of dependencies) {
        expect({ name, dependency, condition: conditions[dependency]?.condition }).toEqual({
          name,
          dependency,
          condition: 'service_healthy',
        });
        expect(service(dependency).healthcheck).toBeDefined();
      }
    }
  });
});
