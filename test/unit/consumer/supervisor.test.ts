/**
 * The supervisor's decisions, against a stand-in for a transport's group member that emits the
 * member's events (joined, crashed with its `restart` verdict): what it rebuilds, when it gives up,
 * what it reports. What a real broker does is in test/integration/consumer-supervision.test.ts and
 * the fault suite's stall scenarios.
 */
import { createSupervisor, type StateChange, type SupervisionOptions } from '../../../src/consumer/supervisor';
import { ConsumerFailedError, KafkaError } from '../../../src/errors';
import type { GroupMember, MemberEvents } from '../../../src/kafka/transport';

class FakeConsumer implements GroupMember {
  private readonly listeners = new Map<string, Set<(...args: never[]) => void>>();
  disconnects = 0;
  constructor(readonly run: () => Promise<void>) {}
  on<E extends keyof MemberEvents>(name: E, listener: MemberEvents[E]) {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener);
    this.listeners.set(name, set);
    return () => void set.delete(listener);
  }
  emit(name: keyof MemberEvents, ...args: unknown[]) {
    for (const l of [...(this.listeners.get(name) ?? [])]) (l as (...a: unknown[]) => void)(...args);
  }
  join(partitions = [0, 1]) {
    this.emit('joined', { t: partitions });
  }
  crash(error: Error, restart: boolean) {
    this.emit('crashed', error, restart);
  }
  async disconnect() {
    this.disconnects += 1;
  }
}

function harness(
  options: SupervisionOptions,
  run: (c: FakeConsumer, n: number) => Promise<void> = async (c) => c.join(),
) {
  const made: FakeConsumer[] = [];
  const changes: StateChange[] = [];
  const failures: ConsumerFailedError[] = [];
  const supervisor = createSupervisor({
    groupId: 'g',
    topic: 't',
    options: { initialDelayMs: 5, maxDelayMs: 20, ...options },
    create: () => {
      const c: FakeConsumer = new FakeConsumer(() => run(c, made.length));
      made.push(c);
      return c;
    },
    onStateChange: (change) => changes.push(change),
    onFailed: (error) => failures.push(error),
  });
  return { supervisor, made, changes, failures, states: () => changes.map((c) => c.state) };
}

const sessionLost = () =>
  Object.assign(new Error('The coordinator is not aware of this member'), { name: 'KafkaJSNonRetriableError' });
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
};

it('rebuilds a consumer kafkajs does not restart (restart: false) and is running again in its group', async () => {
  const h = harness({});
  await h.supervisor.start();
  expect(h.supervisor.health().state).toBe('running');
  h.made[0]!.crash(sessionLost(), false);
  expect(h.supervisor.health().state).toBe('rejoining');
  await until(() => h.supervisor.health().state === 'running');
  expect(h.made).toHaveLength(2);
  expect(h.supervisor.health().restarts).toBe(1);
  expect(h.states()).toEqual(['starting', 'running', 'rejoining', 'running']);
  await h.supervisor.stop();
  expect(h.states().at(-1)).toBe('stopped');
  expect(h.failures).toEqual([]);
});

it('leaves a retriable crash to kafkajs (restart: true): no rebuild, back to running on its rejoin', async () => {
  const h = harness({});
  await h.supervisor.start();
  h.made[0]!.crash(new Error('Connection error'), true);
  expect(h.supervisor.health().state).toBe('rejoining');
  h.made[0]!.join();
  expect(h.supervisor.health().state).toBe('running');
  expect(h.made).toHaveLength(1);
  await h.supervisor.stop();
});

it('gives up with a ConsumerFailedError once the budget is spent, retrying with backoff until then', async () => {
  const h = harness({ giveUpAfterMs: 150 }, async (c, n) => {
    if (n === 1) return c.join();
    throw new KafkaError('connecting failed', undefined, { retriable: true });
  });
  await h.supervisor.start();
  h.made[0]!.crash(sessionLost(), false);
  await until(() => h.failures.length === 1);
  const error = h.failures[0]!;
  expect(error).toBeInstanceOf(ConsumerFailedError);
  expect(error).toMatchObject({ code: 'CONSUMER_FAILED', groupId: 'g', topic: 't', retriable: false });
  expect(error.restarts).toBeGreaterThan(1);
  expect(error.downForMs).toBeGreaterThanOrEqual(150);
  expect(h.supervisor.health()).toMatchObject({ state: 'failed', error, partitions: [] });
  await h.supervisor.stop();
  expect(h.supervisor.health().state).toBe('failed');
});

it('gives up at once when rejoining cannot help (refused credentials)', async () => {
  const refused = Object.assign(new Error('SASL PLAIN authentication failed'), {
    name: 'KafkaJSSASLAuthenticationError',
  });
  const h = harness({ giveUpAfterMs: 60_000 }, async (c, n) => {
    if (n === 1) return c.join();
    throw refused;
  });
  await h.supervisor.start();
  h.made[0]!.crash(sessionLost(), false);
  await until(() => h.failures.length === 1);
  expect(h.made).toHaveLength(2);
  expect(h.failures[0]!.cause).toBe(refused);
});

it('gives up when kafkajs keeps restarting by itself but never gets back into the group', async () => {
  const h = harness({ giveUpAfterMs: 50 });
  await h.supervisor.start();
  h.made[0]!.crash(new Error('Connection error'), true);
  await until(() => h.failures.length === 1);
  expect(h.made[0]!.disconnects).toBeGreaterThan(0);
});

it('refuses to start like kafkajs does, and is stopped afterwards', async () => {
  const h = harness({}, async () => {
    throw new Error('no brokers');
  });
  await expect(h.supervisor.start()).rejects.toThrow('no brokers');
  expect(h.states()).toEqual(['starting', 'stopped']);
});

it('reports lag per assigned partition from fetches and handled messages', async () => {
  const h = harness({});
  await h.supervisor.start();
  const progressed = h.supervisor.fetched('t', 0, '10', '15');
  expect(h.supervisor.health().partitions[0]).toMatchObject({
    partition: 0,
    lag: 5,
    nextOffset: '10',
    highWatermark: '15',
  });
  progressed('14', Date.now());
  expect(h.supervisor.health().partitions[0]).toMatchObject({ lag: 0, nextOffset: '15' });
  expect(h.supervisor.health().partitions[1]).toMatchObject({ partition: 1, lag: undefined });
  expect(h.supervisor.health().lastProgressAt).toBeGreaterThan(0);
  h.made[0]!.join([1]);
  expect(h.supervisor.health().partitions.map((p) => p.partition)).toEqual([1]);
  await h.supervisor.stop();
});
