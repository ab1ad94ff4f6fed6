/**
 * Security, end to end on a stack of this test's own:
 * - the registry behind nginx (basic auth on one port, a bearer token on another), used by the
 *   kit's registry client, producer and consumer;
 * - Kafka with a SASL/PLAIN listener, used by the kit's producer and consumer on both transports
 *   (kafkajs's `kafkaConfig.sasl`, translated for @platformatic/kafka);
 * - wrong or missing credentials give typed errors naming the server, at once, not a hang;
 * - the secrets (passwords, token, the basic header value) appear nowhere in the kit's logs
 *   (kafkajs logs through the kit, captured), its errors, or the CLI's output (`contracts tail`,
 *   `contracts stack status`).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig, type logCreator } from 'kafkajs';
import { createConsumer, CONSUMER_EVENTS } from '../../../src/consumer';
import { isContractsError, KafkaError, RegistryError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { ensureTopics } from '../../../src/kafka';
import { TRANSPORTS } from '../../../src/kafka/transport';
import { createProducer } from '../../../src/producer';
import { createSchemaRegistryClient, registerContract } from '../../../src/registry';
import { CCOMPAT_PATH } from '../../../src/stack';
import { saslBrokers } from '../../../src/stack/sasl';
import { ROOT } from '../../support/bookings-samples';
import { uniqueTopic, withTopic } from '../../support/contracts';
import { reportFigures, Tally } from '../../support/faults/figures';
import { startAuthProxy, type AuthProxy } from '../../support/faults/nginx';
import { faultScenario } from '../../support/faults/scenario';
import { everyEvent, makeEvents, waitUntil } from '../../support/faults/stream';

jest.setTimeout(300_000);

const KAFKA_PORT = 19392;
const REGISTRY_PORT = 18381;
const EVENTS = 500;
const began = Date.now();

const secret = () => randomBytes(12).toString('hex');
const SASL_USER = 'orders-service';
const SASL_PASSWORD = secret();
const REGISTRY_USER = 'registry-user';
const REGISTRY_PASSWORD = secret();
const REGISTRY_TOKEN = secret();
const SECRETS = {
  'SASL password': SASL_PASSWORD,
  'registry password': REGISTRY_PASSWORD,
  'registry token': REGISTRY_TOKEN,
  'basic header value': Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64'),
};

let proxy: AuthProxy;
/** Everything the kit logged or said during the test: scanned for the secrets at the end. */
const kitOutput: Array<{ source: string; text: string }> = [];

const capture =
  (source: string): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    kitOutput.push({ source: `${source} kafkajs log`, text: `${level} ${namespace} ${JSON.stringify(log)}` });
  };

function kafkaConfig(source: string, password = SASL_PASSWORD): Omit<KafkaConfig, 'brokers' | 'clientId'> {
  return {
    sasl: { mechanism: 'plain', username: SASL_USER, password },
    logLevel: logLevel.INFO,
    logCreator: capture(source),
    connectionTimeout: 3_000,
    retry: { retries: 2 },
  };
}

function recordError(source: string, error: unknown): void {
  const fields = error && typeof error === 'object' ? JSON.stringify({ ...error }) : '';
  const described = isContractsError(error) ? error.describe() : String(error);
  const cause =
    error && typeof error === 'object' && 'cause' in error ? String((error as { cause: unknown }).cause) : '';
  kitOutput.push({ source: `${source} error`, text: `${described}\n${fields}\n${cause}` });
}

const scenario = faultScenario({
  name: 'security',
  ownStack: {
    kafkaPort: KAFKA_PORT,
    registryPort: REGISTRY_PORT,
    saslPlain: { users: { [SASL_USER]: SASL_PASSWORD } },
  },
  // nginx's configuration and logs
  workDir: true,
  before: async ({ workDir }) => {
    proxy = await startAuthProxy({
      dir: workDir,
      upstreamPort: REGISTRY_PORT,
      basicPort: 18481,
      bearerPort: 18482,
      username: REGISTRY_USER,
      password: REGISTRY_PASSWORD,
      token: REGISTRY_TOKEN,
      apiPath: CCOMPAT_PATH,
    });
  },
  after: async () => {
    await proxy?.stop();
  },
});

describe('security: registry auth through nginx, Kafka SASL/PLAIN', () => {
  const topic = uniqueTopic('faults-secure');
  const contract = withTopic(bookingsContract, topic);
  /** Each transport's run publishes and consumes on a topic of its own; the kafkajs one is also the CLI's below. */
  const contractOf = (transport: string) =>
    transport === 'kafkajs' ? contract : withTopic(bookingsContract, uniqueTopic(`faults-secure-${transport}`));
  const figures: Record<string, number | string | boolean> = {};
  /** Every event handled over SASL, on both transports. */
  const handled = new Tally();

  it.each(TRANSPORTS)(
    `publishes and consumes ${EVENTS} events with SASL/PLAIN and an authenticated registry (basic for the producer, bearer for the consumer), on %s`,
    async (transport) => {
      const contract = contractOf(transport);
      const brokers = saslBrokers(KAFKA_PORT, 1);
      const basic = createSchemaRegistryClient({
        url: proxy.basicUrl,
        auth: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
      });
      const bearer = createSchemaRegistryClient({ url: proxy.bearerUrl, auth: { token: REGISTRY_TOKEN } });
      const admin = new Kafka({ clientId: 'faults-secure-admin', brokers, ...kafkaConfig('admin') });
      await ensureTopics(admin, { ...contract, partitions: 3, replicationFactor: 1 });
      const ids = await registerContract(contract, basic);
      figures.schemasRegisteredThroughBasicAuth = Object.keys(ids).length;
      const events = makeEvents(EVENTS);

      const producer = createProducer({
        contract,
        brokers,
        registry: basic,
        transport,
        kafkaConfig: kafkaConfig(`${transport} producer`),
      });
      for (let i = 0; i < events.length; i += 100) await producer.publishBatch(events.slice(i, i + 100));
      await producer.disconnect();

      const record = async (event: { eventId: string }) => handled.add(event.eventId);
      const consumer = createConsumer({
        contract,
        groupId: `faults-secure-${randomUUID()}`,
        brokers,
        registry: bearer,
        transport,
        fromBeginning: true,
        stopOnSignals: [],
        kafkaConfig: kafkaConfig(`${transport} consumer`),
        handlers: everyEvent(record),
      });
      let deadLettered = 0;
      consumer.on(CONSUMER_EVENTS.DEAD_LETTERED, () => (deadLettered += 1));
      await consumer.start();
      try {
        await waitUntil(
          () => handled.missing(events.map((e) => e.eventId)).length === 0,
          () => `${EVENTS} events over SASL on ${transport}, ${handled.distinct} in all so far`,
          60_000,
        );
      } finally {
        await consumer.stop();
      }
      expect(handled.missing(events.map((e) => e.eventId))).toEqual([]);
      expect(deadLettered).toBe(0);
      figures[`eventsOverSasl_${transport}`] = EVENTS;
      // the proxy really checks: both ports refuse a request without credentials
      for (const url of [proxy.basicUrl, proxy.bearerUrl]) expect((await fetch(`${url}/subjects`)).status).toBe(401);
    },
  );

  it('refuses wrong or missing registry credentials with a typed REGISTRY_AUTH error naming the registry', async () => {
    const attempts = [
      {
        name: 'wrong password',
        url: proxy.basicUrl,
        auth: { username: REGISTRY_USER, password: `${REGISTRY_PASSWORD}x` },
      },
      { name: 'no credentials', url: proxy.basicUrl, auth: undefined },
      { name: 'wrong token', url: proxy.bearerUrl, auth: { token: `${REGISTRY_TOKEN}x` } },
      {
        name: 'basic credentials on the bearer port',
        url: proxy.bearerUrl,
        auth: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
      },
    ];
    let refused = 0;
    for (const attempt of attempts) {
      let calls = 0;
      const client = createSchemaRegistryClient({
        url: attempt.url,
        auth: attempt.auth,
        onRequest: () => (calls += 1),
      });
      const producer = createProducer({
        contract,
        brokers: saslBrokers(KAFKA_PORT, 1),
        registry: client,
        kafkaConfig: kafkaConfig('auth-producer'),
      });
      const error = await producer.publish('booking.created', makeEvents(1)[0]!.payload as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      await producer.disconnect();
      recordError(`registry ${attempt.name}`, error);
      expect(error).toBeInstanceOf(RegistryError);
      expect(error).toMatchObject({ code: 'REGISTRY_AUTH', status: 401, retriable: false });
      expect((error as RegistryError).message).toContain(attempt.url);
      expect(calls).toBe(1);
      refused += 1;
    }
    figures.registryAuthRefusals = refused;
  });

  it.each(TRANSPORTS)(
    'refuses a wrong SASL password with a typed, non-retriable KafkaError naming the broker, not a hang, on %s',
    async (transport) => {
      const brokers = saslBrokers(KAFKA_PORT, 1);
      const producer = createProducer({
        contract,
        brokers,
        registry: proxy.basicUrl,
        transport,
        kafkaConfig: kafkaConfig(`${transport} wrong-sasl-producer`, 'not-the-password'),
      });
      const producerError = await producer.connect().then(
        () => undefined,
        (e: unknown) => e,
      );
      const consumer = createConsumer({
        contract,
        groupId: `faults-secure-bad-${randomUUID()}`,
        brokers,
        registry: proxy.basicUrl,
        transport,
        stopOnSignals: [],
        kafkaConfig: kafkaConfig(`${transport} wrong-sasl-consumer`, 'not-the-password'),
        handlers: everyEvent('ignore'),
      });
      const consumerError = await consumer.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      for (const [name, error] of [
        ['producer', producerError],
        ['consumer', consumerError],
      ] as const) {
        recordError(`wrong SASL ${transport} ${name}`, error);
        expect(error).toBeInstanceOf(KafkaError);
        expect(error).toMatchObject({ code: 'KAFKA', retriable: false });
        expect((error as KafkaError).message).toMatch(/SASL|[Aa]uthentication/);
        expect((error as KafkaError).message).toContain(brokers[0]);
      }
      figures[`kafkaSaslRefusals_${transport}`] = 2;
    },
  );

  it('leaves no secret in the kit logs, its errors or the CLI output', () => {
    const cli = (args: string[], env: Record<string, string> = {}) => {
      const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'contracts.js'), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env, FORCE_COLOR: '0' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      kitOutput.push({ source: `contracts ${args.slice(0, 2).join(' ')}`, text: `${run.stdout}\n${run.stderr}` });
      return run;
    };
    // tail reads through the broker's plaintext listener (the CLI has no SASL flags) and the registry through nginx
    const plaintext = `127.0.0.1:${KAFKA_PORT}`;
    const tailArgs = [
      'tail',
      contract.topic,
      '--from-beginning',
      '-n',
      '3',
      '--json',
      '--brokers',
      plaintext,
      '--registry',
      proxy.basicUrl,
    ];
    const good = cli(tailArgs, { SCHEMA_REGISTRY_AUTH: `${REGISTRY_USER}:${REGISTRY_PASSWORD}` });
    expect(good.status).toBe(0);
    expect(good.stdout.trim().split('\n')).toHaveLength(3);
    const urlWithPassword = proxy.basicUrl.replace('http://', `http://${REGISTRY_USER}:${REGISTRY_PASSWORD}@`);
    const inUrl = cli([
      'tail',
      contract.topic,
      '--from-beginning',
      '-n',
      '1',
      '--json',
      '--brokers',
      plaintext,
      '--registry',
      urlWithPassword,
    ]);
    expect(inUrl.status).toBe(0);
    const wrong = cli(tailArgs, { SCHEMA_REGISTRY_AUTH: `${REGISTRY_USER}:${REGISTRY_PASSWORD}x` });
    kitOutput.push({ source: 'tail with a wrong password', text: wrong.stdout + wrong.stderr });
    const wrongToken = cli(
      tailArgs.map((a) => (a === proxy.basicUrl ? proxy.bearerUrl : a)),
      { SCHEMA_REGISTRY_TOKEN: `${REGISTRY_TOKEN}x` },
    );
    cli(['stack', 'status']);

    const leaks: string[] = [];
    for (const { source, text } of kitOutput) {
      for (const [what, value] of Object.entries(SECRETS)) if (text.includes(value)) leaks.push(`${what} in ${source}`);
    }
    // the servers' own logs, for the record (not the kit's output): Kafka, Apicurio, nginx
    const serverLogs = [
      ...readdirSync(scenario.own.logDir).map((f) => join(scenario.own.logDir, f)),
      ...proxy.logFiles,
    ].filter((f) => existsSync(f));
    const serverLeaks: string[] = [];
    for (const file of serverLogs) {
      const text = readFileSync(file, 'utf8');
      for (const [what, value] of Object.entries(SECRETS))
        if (text.includes(value)) serverLeaks.push(`${what} in ${file}`);
    }
    const wrongRecords = [wrong, wrongToken].map((r) => `${r.stdout}${r.stderr}`);

    reportFigures({
      scenario: 'security',
      fault: 'registry basic auth and bearer token through nginx, Kafka SASL/PLAIN; wrong credentials; secret scan',
      sent: EVENTS * TRANSPORTS.length,
      handled: handled.distinct,
      duplicates: handled.duplicates,
      deadLettered: 0,
      lost: EVENTS * TRANSPORTS.length - handled.distinct,
      details: {
        ...figures,
        tailExitCodesWithWrongCredentials: `${wrong.status} / ${wrongToken.status}`,
        textsScanned: kitOutput.length,
        kafkajsLogLines: kitOutput.filter((o) => o.source.endsWith('kafkajs log')).length,
        secretsFoundInKitOutput: leaks.length,
        serverLogsScanned: serverLogs.length,
        secretsFoundInServerLogs: serverLeaks.length,
      },
      durationMs: Date.now() - began,
    });
    expect(leaks).toEqual([]);
    expect(serverLeaks).toEqual([]);
    // with wrong credentials the CLI shows REGISTRY_AUTH and names the registry, not the secret
    // (tail reports the error per record and exits 0: figures.tailExitCodesWithWrongCredentials)
    for (const output of wrongRecords) {
      expect(output).toContain('REGISTRY_AUTH');
      expect(output).toContain('127.0.0.1:1848');
    }
  });
});
