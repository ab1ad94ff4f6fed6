/**
 * The mistakes people make in their settings, each refused with the field, what is allowed and
 * the fix: a typo in the config, a wrong enum value, broken JSON, a malformed registry URL or
 * SCHEMA_REGISTRY_AUTH, an unknown log level; and kafkajs's transient states kept at debug.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { loadConfig } from '../../../src/config';
import { ConfigError, RegistryConfigError, UsageError } from '../../../src/errors';
import { levelOfKafkaEntry } from '../../../src/kafka/log';
import { parseLogLevel } from '../../../src/log';
import { createSchemaRegistryClient, registryOptionsFromEnv } from '../../../src/registry';

const dir = mkdtempSync(join(tmpdir(), 'contracts-config-'));
const write = (text: string) => {
  const file = join(dir, 'contracts.config.json');
  writeFileSync(file, text);
  return file;
};
const topic = { name: 'payments', format: 'AVRO', value: 'v.avsc', events: [{ type: 'a', schema: 'a.avsc' }] };

it('a typo in a field gets the likely name', () => {
  const file = write(JSON.stringify({ topics: [{ ...topic, refrences: [] }] }));
  expect(() => loadConfig(file)).toThrow(ConfigError);
  expect(() => loadConfig(file)).toThrow(
    'unknown field "refrences" in topics[0] (payments); did you mean "references"?',
  );
});

it('a wrong enum value lists the allowed ones, and every problem is reported at once', () => {
  const file = write(JSON.stringify({ topics: [{ ...topic, format: 'AVR', compatibility: 'FULLY' }] }));
  expect(() => loadConfig(file)).toThrow(
    /2 problems:[\s\S]*format is "AVR"; allowed: AVRO, JSON[\s\S]*compatibility is "FULLY"; allowed: NONE, BACKWARD/,
  );
});

it('broken JSON names the line and column', () => {
  const file = write('{\n  "topics": [\n    { "name": "x" "format": "AVRO" }\n  ]\n}');
  expect(() => loadConfig(file)).toThrow(/is not valid JSON \(line 3, column 19\): CommaExpected/);
});

it('topic configs are strings for Kafka, whatever JSON type they were written in', () => {
  const file = write(
    JSON.stringify({ topics: [{ ...topic, topicConfig: { 'retention.ms': 604800000, 'cleanup.policy': 'delete' } }] }),
  );
  expect(loadConfig(file).topics[0]!.topicConfig).toEqual({ 'retention.ms': '604800000', 'cleanup.policy': 'delete' });
});

it('a registry URL that is not one is a config error that echoes it, not REGISTRY_UNREACHABLE', () => {
  const attempt = () => createSchemaRegistryClient({ url: 'localhost:8081' });
  expect(attempt).toThrow(RegistryConfigError);
  expect(attempt).toThrow('the schema registry URL "localhost:8081" is not http(s)');
  expect(() => createSchemaRegistryClient({ url: 'http://user:hunter2@exa mple' })).toThrow(
    /"http:\/\/\*\*\*@exa mple" is not a URL/,
  );
});

it('a malformed SCHEMA_REGISTRY_AUTH is refused with its shape, without echoing the secret', () => {
  const attempt = () =>
    registryOptionsFromEnv({ SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081', SCHEMA_REGISTRY_AUTH: 'hunter2' });
  expect(attempt).toThrow(RegistryConfigError);
  expect(attempt).toThrow('SCHEMA_REGISTRY_AUTH must be username:password');
  try {
    attempt();
  } catch (error) {
    expect((error as Error).message + (error as RegistryConfigError).hint).not.toContain('hunter2');
    expect((error as RegistryConfigError).code).toBe('REGISTRY_CONFIG');
  }
});

it('an unknown log level lists the levels', () => {
  expect(() => parseLogLevel('loud', '--log-level')).toThrow(UsageError);
  expect(() => parseLogLevel('loud', '--log-level')).toThrow(
    '--log-level is "loud"; allowed: silent, error, warn, info, debug',
  );
});

it.each([
  ['[Connection] Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available', 'debug'],
  [
    '[Connection] Response InitProducerId(key: 22, version: 1)',
    "The coordinator is loading and hence can't process requests for this group",
    'debug',
  ],
  [
    '[Connection] Response InitProducerId(key: 22, version: 1)',
    'This is not the correct coordinator for this group',
    'debug',
  ],
  ['[Connection] Response Metadata(key: 3, version: 6)', 'This server does not host this topic-partition', 'debug'],
  ['[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092', undefined, 'debug'],
  ['[Runner] The group is rebalancing, re-joining', undefined, 'debug'],
  [
    '[Producer] Failed to send messages: Message too large',
    'The request included a message larger than the max message size the server will accept',
    'error',
  ],
])('kafkajs "%s" (%s) logs at %s', (message, error, expected) => {
  expect(levelOfKafkaEntry(logLevel.ERROR, message, error)).toBe(expected);
});
