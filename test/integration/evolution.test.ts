/**
 * The schema-evolution story of the README, on the real stack with the booking contracts:
 * v2 of booking.created adds an optional field; v1 and v2 services read each other's events; an
 * incompatible change is refused offline (`check --against`) and by the registry (`register`).
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createConsumer, createProducer, ensureTopics, type TopicContract } from '../../src';
import { ROOT } from '../support/bookings-samples';
import { stackEnv } from '../support/stack-env';
import { runCli } from '../support/temp-project';

jest.setTimeout(180_000);

const id = randomBytes(4).toString('hex');
const namespace = `travel.evo${id}`;
const topic = `bookings-evo-${id}`;
let dir: string;
let env: NodeJS.ProcessEnv;

/** The booking schemas under a namespace and topic of this test's own, so subjects don't clash. */
function useSchema(file: string, source: string): void {
  const text = readFileSync(source, 'utf8').replace(/travel\.bookings/g, namespace);
  writeFileSync(join(dir, 'schemas', 'avro', file), text);
}

function cli(args: string[]) {
  const result = runCli(args, dir, env);
  return { ...result, out: result.stdout + result.stderr };
}

function generate(output: string): TopicContract {
  const config = JSON.parse(readFileSync(join(dir, 'contracts.config.json'), 'utf8'));
  config.output = output;
  writeFileSync(join(dir, `${output}.config.json`), JSON.stringify(config));
  expect(cli(['-c', `${output}.config.json`, 'generate']).status).toBe(0);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const generated = require(join(dir, output, topic)) as Record<string, TopicContract>;
  return generated[`${camel(topic)}Contract`]!;
}

const camel = (name: string) => name.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase());

beforeAll(() => {
  const { brokers, registryUrl } = stackEnv();
  env = { ...process.env, KAFKA_BROKERS: brokers.join(','), SCHEMA_REGISTRY_URL: registryUrl };
  dir = mkdtempSync(join(tmpdir(), 'contracts-evolution-'));
  cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  for (const file of [
    'Money',
    'BookingType',
    'BookingCreated',
    'BookingConfirmed',
    'BookingCancelled',
    'BookingFailed',
    'bookings-value',
  ]) {
    useSchema(`${file}.avsc`, join(ROOT, 'schemas', 'avro', `${file}.avsc`));
  }
  const config = JSON.parse(readFileSync(join(ROOT, 'contracts.config.json'), 'utf8'));
  config.runtimeImport = join(ROOT, 'src', 'contract');
  config.topics[0].name = topic;
  config.topics[0].deadLetterTopic = `${topic}.dlq`;
  config.topics[0].partitions = 1;
  writeFileSync(join(dir, 'contracts.config.json'), JSON.stringify(config, null, 2));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync(
    'git',
    ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '--allow-empty', '-m', 'empty'],
    { cwd: dir },
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schema evolution of booking.created', () => {
  let v1: TopicContract;
  let v2: TopicContract;

  it('v1 registers', () => {
    v1 = generate('gen-v1');
    const result = cli(['register']);
    expect(result.status).toBe(0);
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'v1'], {
      cwd: dir,
    });
  });

  it('v2 adds an optional field: compatible offline and with the registry, and registers', () => {
    useSchema('BookingCreated.avsc', join(ROOT, 'examples', 'evolution', 'BookingCreated.v2.avsc'));
    expect(cli(['check', '--against', 'HEAD']).status).toBe(0);
    expect(cli(['check', '--registry']).status).toBe(0);
    const registered = cli(['register']);
    expect(registered.status).toBe(0);
    v2 = generate('gen-v2');
    expect(readFileSync(join(dir, 'gen-v2', topic, 'types.ts'), 'utf8')).toContain('promoCode: null | string;');
  });

  it('a v1 consumer reads v2 events and a v2 consumer reads v1 events', async () => {
    await ensureTopics(new Kafka({ brokers: stackEnv().brokers, logLevel: logLevel.NOTHING }), v1);
    const received: Record<string, Array<Record<string, unknown>>> = { v1: [], v2: [] };
    const consumers = (['v1', 'v2'] as const).map((version) =>
      createConsumer({
        contract: version === 'v1' ? v1 : v2,
        groupId: `evolution-${version}-${id}`,
        fromBeginning: true,
        stopOnSignals: [],
        handlers: {
          'booking.created': (event: unknown) => void received[version]!.push(event as Record<string, unknown>),
          'booking.confirmed': 'ignore',
          'booking.cancelled': 'ignore',
          'booking.failed': 'ignore',
        } as never,
      }),
    );
    const producers = [
      createProducer({ contract: v1, source: 'v1-service' }),
      createProducer({ contract: v2, source: 'v2-service' }),
    ];
    const base = { userId: 'u1', type: 'hotel', itemId: 'H1', data: { price: { amountMinor: 100, currency: 'EUR' } } };
    try {
      await Promise.all([...consumers.map((c) => c.start()), ...producers.map((p) => p.connect())]);
      await producers[0]!.publish('booking.created', { ...base, bookingId: 'from-v1' } as never);
      await producers[1]!.publish('booking.created', {
        ...base,
        bookingId: 'from-v2',
        data: { ...base.data, promoCode: 'WINTER' },
      } as never);
      const deadline = Date.now() + 60_000;
      while ((received.v1!.length < 2 || received.v2!.length < 2) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
    } finally {
      await Promise.all([...consumers.map((c) => c.stop()), ...producers.map((p) => p.disconnect())]);
    }
    const data = (version: 'v1' | 'v2', bookingId: string) =>
      received[version]!.find((e) => e.bookingId === bookingId)?.data as Record<string, unknown>;
    // the v1 reader never sees the field it does not know
    expect(data('v1', 'from-v2')).toBeDefined();
    expect(data('v1', 'from-v2')).not.toHaveProperty('promoCode');
    expect(data('v1', 'from-v1')).not.toHaveProperty('promoCode');
    // the v2 reader gets the default for v1 data
    expect(data('v2', 'from-v1')?.promoCode).toBeNull();
    expect(data('v2', 'from-v2')?.promoCode).toBe('WINTER');
  });

  it('an incompatible change is refused by check --against and by the registry', () => {
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'v2'], {
      cwd: dir,
    });
    useSchema('BookingCreated.avsc', join(ROOT, 'examples', 'evolution', 'BookingCreated.breaking.avsc'));

    const offline = cli(['check', '--against', 'HEAD']);
    expect(offline.status).toBe(1);
    expect(offline.out).toContain('TYPE_MISMATCH');
    expect(offline.out).toContain(`${namespace}.BookingCreated`);
    expect(offline.out).toContain('quantity');

    const registry = cli(['register']);
    expect(registry.status).not.toBe(0);
    expect(registry.out).toMatch(/incompatible/i);
    expect(registry.out).toContain(`${namespace}.BookingCreated`);
  });
});
