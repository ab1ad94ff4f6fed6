/**
 * Faults of the environment, not of the messages: the registry refuses a consumer's credentials,
 * or answers 503 for a while (an HTTP proxy in front of the shared stack's registry,
 * test/support/faults/registry-proxy.ts). Good data must never be dead-lettered for that:
 * - wrong credentials: 0 dead-lettered, no offset committed; a consumer with onEnvironmentFailure
 *   'pause' (default) resumes by itself once the server accepts its credentials, one with 'stop'
 *   stops with ConsumerStoppedError (REGISTRY_AUTH) and, restarted with the right ones, handles
 *   everything;
 * - 503: 0 dead-lettered, no offset committed while it lasts, even with 'stop' (waiting fixes a
 *   5xx); a cold producer's publish is retried with retry() and gets through; everything handled.
 */
import { logLevel } from 'kafkajs';
import { CONSUMER_EVENTS } from '../../../src/consumer';
import { ConsumerStoppedError, isContractsError } from '../../../src/errors';
import { createProducer } from '../../../src/producer';
import { createSchemaRegistryClient } from '../../../src/registry';
import { retry } from '../../../src/retry';
import { reportFigures } from '../../support/faults/figures';
import { startRegistryProxy, type RegistryProxy } from '../../support/faults/registry-proxy';
import { faultScenario } from '../../support/faults/scenario';
import { makeEvents, waitUntil, type TopicSetup } from '../../support/faults/stream';
import { endOffsetSum } from '../../support/it-helpers';

jest.setTimeout(300_000);

const PROXY_PORT = 18503;
const EVENTS = 600;
const USER = 'billing-service';
const OLD = { username: USER, password: 'secret-before-rotation' };
const NEW = { username: USER, password: 'secret-after-rotation' };
const backoff = { transientRetry: { initialDelayMs: 200, maxDelayMs: 1_000 } };

let proxy: RegistryProxy;
const scenario = faultScenario({
  name: 'registry-refusals',
  settle: true,
  before: async ({ registryUrl }) => {
    proxy = await startRegistryProxy({ upstreamUrl: registryUrl, port: PROXY_PORT });
  },
  after: async () => {
    await proxy?.stop();
  },
});

function consumerWith(setup: TopicSetup, registry: ReturnType<typeof createSchemaRegistryClient>, extra = {}) {
  const c = scenario.consumer({ ...setup, registry }, { ...backoff, ...extra });
  const codes = new Map<string, number>();
  let stoppedWith: ConsumerStoppedError | undefined;
  c.consumer.on(CONSUMER_EVENTS.TRANSIENT_ERROR, (p) => codes.set(p.code, (codes.get(p.code) ?? 0) + 1));
  c.consumer.on(CONSUMER_EVENTS.STOPPED, (p) => (stoppedWith ??= p.error));
  return { ...c, codes, stopped: () => stoppedWith };
}

describe('the registry refuses, the data stays', () => {
  it('wrong registry credentials: nothing dead-lettered or committed; handled once the credentials are right', async () => {
    const began = Date.now();
    const setup = await scenario.topic('faults-credentials');
    const events = makeEvents(EVENTS);
    const sent = (await scenario.publish(events, { batchSize: 200 }, setup)).acknowledged;
    // the secret was rotated on the server; the consumers still have the old one
    proxy.accept([NEW]);
    const client = (credentials: typeof OLD) =>
      createSchemaRegistryClient({ url: proxy.url, auth: credentials, timeoutMs: 5_000 });
    const pausing = consumerWith(setup, client(OLD));
    const stopping = consumerWith(setup, client(OLD), { onEnvironmentFailure: 'stop' });
    await pausing.consumer.start();
    await stopping.consumer.start();
    await waitUntil(
      () => pausing.counts.transient >= 6 && stopping.stopped() !== undefined,
      () => `6 pauses (${pausing.counts.transient}) and the 'stop' consumer stopped (${String(stopping.stopped())})`,
      60_000,
    );
    const refusedAnswers = proxy.answered.get(401) ?? 0;
    const dlqWhileRefused = await endOffsetSum(setup.kafka, setup.contract.deadLetterTopic);
    const committedWhileRefused = [
      ...(await scenario.committed(pausing.groupId, setup)),
      ...(await scenario.committed(stopping.groupId, setup)),
    ];
    expect(pausing.tally.distinct + stopping.tally.distinct).toBe(0);
    expect(dlqWhileRefused).toBe(0n);
    expect(committedWhileRefused.every((o) => o === '-1')).toBe(true);
    expect([...pausing.codes.keys()]).toEqual(['REGISTRY_AUTH']);
    const stoppedWith = stopping.stopped()!;
    expect(stoppedWith).toBeInstanceOf(ConsumerStoppedError);
    expect(stoppedWith).toMatchObject({
      code: 'CONSUMER_STOPPED',
      causeCode: 'REGISTRY_AUTH',
      groupId: stopping.groupId,
    });
    expect(stoppedWith.message).not.toContain(OLD.password);

    // the operator puts the old secret back on the server: the pausing consumer resumes by itself
    proxy.accept([NEW, OLD]);
    // the stopped one is restarted, in the same group, with the new secret
    const restarted = consumerWith(setup, client(NEW), { groupId: stopping.groupId });
    await restarted.consumer.start();
    await waitUntil(
      () => pausing.tally.distinct >= EVENTS && restarted.tally.distinct >= EVENTS,
      () => `${EVENTS} handled by both groups, ${pausing.tally.distinct} and ${restarted.tally.distinct} so far`,
      120_000,
    );
    const lost = pausing.tally.missing(sent).length + restarted.tally.missing(sent).length;
    const deadLettered = Number(await endOffsetSum(setup.kafka, setup.contract.deadLetterTopic));
    reportFigures({
      scenario: 'registry-credentials',
      fault:
        "consumers with the registry's old secret after a rotation: one keeps pausing until the server accepts it, one stops and is restarted with the new one",
      sent: sent.length,
      handled: Math.min(pausing.tally.distinct, restarted.tally.distinct),
      duplicates: pausing.tally.duplicates + restarted.tally.duplicates,
      deadLettered,
      lost,
      details: {
        groups: 2,
        pausesWhileRefused: pausing.counts.transient,
        refusedRegistryAnswers: refusedAnswers,
        stoppedWith: `${stoppedWith.code}/${stoppedWith.causeCode}`,
        committedWhileRefused: committedWhileRefused.join(','),
        deadLetteredWhileRefused: Number(dlqWhileRefused),
        handledByPausingGroup: pausing.tally.distinct,
        handledByRestartedGroup: restarted.tally.distinct,
      },
      durationMs: Date.now() - began,
    });
    expect(deadLettered).toBe(0);
    expect(pausing.counts.deadLettered + stopping.counts.deadLettered + restarted.counts.deadLettered).toBe(0);
    expect(lost).toBe(0);
  });

  it('a registry answering 503 for a while: nothing dead-lettered or committed while it lasts; everything handled after', async () => {
    const began = Date.now();
    const { brokers } = scenario;
    proxy.accept(undefined);
    const setup = await scenario.topic('faults-registry-5xx');
    const events = makeEvents(EVENTS);
    const sent = (await scenario.publish(events.slice(0, EVENTS - 1), { batchSize: 200 }, setup)).acknowledged;
    proxy.failWith503(true);
    const answersBefore = proxy.answered.get(503) ?? 0;
    const client = () => createSchemaRegistryClient({ url: proxy.url, timeoutMs: 5_000 });
    const pausing = consumerWith(setup, client());
    // 'stop' is for what waiting cannot fix: a 5xx is waited out
    const stopPolicy = consumerWith(setup, client(), { onEnvironmentFailure: 'stop' });
    await pausing.consumer.start();
    await stopPolicy.consumer.start();

    // a cold producer meets the 503 too: its publish is retried until the registry answers
    const last = events[EVENTS - 1]!;
    const producer = createProducer({
      contract: setup.contract,
      brokers,
      registry: client(),
      kafkaConfig: { logLevel: logLevel.NOTHING },
    });
    const producerErrors: string[] = [];
    const publishing = retry(() => producer.publish(last.eventType, last.payload), {
      attempts: 30,
      initialDelayMs: 200,
      maxDelayMs: 1_000,
      onRetry: ({ error }) => producerErrors.push(isContractsError(error) ? error.code : String(error)),
    });
    try {
      await waitUntil(
        () => pausing.counts.transient >= 6 && stopPolicy.counts.transient >= 6 && producerErrors.length >= 2,
        () =>
          `6 pauses per consumer (${pausing.counts.transient}, ${stopPolicy.counts.transient}) and 2 producer retries (${producerErrors.length})`,
        60_000,
      );
      const dlqDuring = await endOffsetSum(setup.kafka, setup.contract.deadLetterTopic);
      const committedDuring = [
        ...(await scenario.committed(pausing.groupId, setup)),
        ...(await scenario.committed(stopPolicy.groupId, setup)),
      ];
      expect(pausing.tally.distinct + stopPolicy.tally.distinct).toBe(0);
      expect(dlqDuring).toBe(0n);
      expect(committedDuring.every((o) => o === '-1')).toBe(true);
      expect(stopPolicy.stopped()).toBeUndefined();
      expect([...pausing.codes.keys()]).toEqual(['REGISTRY_HTTP']);
      expect(new Set(producerErrors)).toEqual(new Set(['REGISTRY_HTTP']));
      const answered503 = (proxy.answered.get(503) ?? 0) - answersBefore;

      proxy.failWith503(false);
      await publishing;
      sent.push(last.eventId);
      await waitUntil(
        () => pausing.tally.distinct >= EVENTS && stopPolicy.tally.distinct >= EVENTS,
        () => `${EVENTS} handled by both groups, ${pausing.tally.distinct} and ${stopPolicy.tally.distinct} so far`,
        120_000,
      );
      const lost = pausing.tally.missing(sent).length + stopPolicy.tally.missing(sent).length;
      const deadLettered = Number(await endOffsetSum(setup.kafka, setup.contract.deadLetterTopic));
      reportFigures({
        scenario: 'registry-5xx',
        fault: 'the registry (behind a proxy) answering 503 while two cold consumers and a cold producer start',
        sent: sent.length,
        handled: Math.min(pausing.tally.distinct, stopPolicy.tally.distinct),
        duplicates: pausing.tally.duplicates + stopPolicy.tally.duplicates,
        deadLettered,
        lost,
        details: {
          groups: 2,
          answered503,
          pausesWhile503: pausing.counts.transient + stopPolicy.counts.transient,
          producerRetries: producerErrors.length,
          stopPolicyStopped: stopPolicy.stopped() !== undefined,
          committedWhile503: committedDuring.join(','),
        },
        durationMs: Date.now() - began,
      });
      expect(deadLettered).toBe(0);
      expect(lost).toBe(0);
    } finally {
      proxy.failWith503(false);
      await publishing.catch(() => undefined);
      await producer.disconnect();
    }
  });
});
