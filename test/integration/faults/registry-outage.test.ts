/**
 * Fault 4: the Schema Registry of a stack of this test's own is stopped.
 * - A producer and a consumer that have already seen their schemas keep working, with no registry
 *   call at all (their caches hold the immutable IDs and schemas).
 * - A cold producer fails at once with a typed RegistryError (REGISTRY_UNREACHABLE, retriable)
 *   that names the registry URL, after a single HTTP attempt; nothing is written.
 * - A cold consumer pauses on the unknown schema ID (transient error), dead-letters nothing, and
 *   catches up when the registry is back.
 * - Registering a new contract with retry() backs off until the registry returns, then succeeds.
 * - The restarted registry still has every schema (same IDs, same versions).
 */
import { randomUUID } from 'node:crypto';
import { isContractsError, RegistryError } from '../../../src/errors';
import { createProducer } from '../../../src/producer';
import { createSchemaRegistryClient, registerContract, type SchemaRegistryClient } from '../../../src/registry';
import { retry } from '../../../src/retry';
import { bookingInputs } from '../../support/bookings-fixtures';
import { uniqueTopic, withTopic } from '../../support/contracts';
import { reportFigures } from '../../support/faults/figures';
import { faultScenario } from '../../support/faults/scenario';
import { makeEvents, publishStream, waitUntil } from '../../support/faults/stream';
import { endOffsetSum } from '../../support/it-helpers';

jest.setTimeout(300_000);

const BEFORE = 1_000;
const DURING = 2_000;

const scenario = faultScenario({
  name: 'registry-outage',
  ownStack: { kafkaPort: 19292, registryPort: 18281 },
  topic: { partitions: 3 },
  settle: true,
});

function countingClient(): { client: SchemaRegistryClient; calls: () => number } {
  let calls = 0;
  const client = createSchemaRegistryClient({
    url: scenario.registryUrl,
    timeoutMs: 5_000,
    onRequest: () => (calls += 1),
  });
  return { client, calls: () => calls };
}

describe('a registry outage', () => {
  it('keeps warm producers and consumers working, fails cold starts fast and typed, and loses nothing', async () => {
    const began = Date.now();
    const { setup, own } = scenario;
    const ids = await registerContract(setup.contract, setup.registry);
    const versionsBefore = await setup.registry.listVersions(setup.contract.valueSubject!);

    // warm: a producer and a consumer that have seen their schemas
    const warmRegistry = countingClient();
    const makeWarmProducer = () =>
      createProducer({ contract: setup.contract, brokers: own.brokers, registry: warmRegistry.client });
    const consumerRegistry = countingClient();
    const warm = scenario.consumer({ ...setup, registry: consumerRegistry.client });
    await warm.consumer.start();
    const cold = scenario.consumer(
      { ...setup, registry: countingClient().client },
      {
        transientRetry: { initialDelayMs: 200, maxDelayMs: 2_000 },
      },
    );
    const events = makeEvents(BEFORE + DURING);
    const sent: string[] = [];
    let registration: Promise<unknown> | undefined;
    try {
      sent.push(...(await publishStream(makeWarmProducer, events.slice(0, BEFORE), { batchSize: 250 })).acknowledged);
      await waitUntil(
        () => warm.tally.distinct >= BEFORE,
        () => `${BEFORE} handled before the outage, ${warm.tally.distinct} so far`,
        60_000,
      );

      await own.stack.stopRegistry();
      const callsAtStop = { producer: warmRegistry.calls(), consumer: consumerRegistry.calls() };

      // warm clients carry on without the registry
      sent.push(...(await publishStream(makeWarmProducer, events.slice(BEFORE), { batchSize: 250 })).acknowledged);
      await waitUntil(
        () => warm.tally.distinct >= sent.length,
        () => `${sent.length} handled during the outage, ${warm.tally.distinct} so far`,
        60_000,
      );
      const warmCallsDuringOutage =
        warmRegistry.calls() - callsAtStop.producer + consumerRegistry.calls() - callsAtStop.consumer;

      // a cold producer fails fast with a typed error naming the registry
      const endBefore = await endOffsetSum(setup.kafka, setup.contract.topic);
      const coldRegistry = countingClient();
      const coldProducer = createProducer({
        contract: setup.contract,
        brokers: own.brokers,
        registry: coldRegistry.client,
      });
      const coldStarted = Date.now();
      const coldError = await coldProducer
        .publish('booking.created', { ...bookingInputs('COLD')['booking.created'], eventId: randomUUID() })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      const coldFailMs = Date.now() - coldStarted;
      await coldProducer.disconnect();
      expect(coldError).toBeInstanceOf(RegistryError);
      expect(coldError).toMatchObject({ code: 'REGISTRY_UNREACHABLE', retriable: true });
      expect((coldError as RegistryError).url.startsWith(own.registryUrl)).toBe(true);
      expect((coldError as RegistryError).message).toContain(own.registryUrl);
      expect(coldRegistry.calls()).toBe(1);
      expect(await endOffsetSum(setup.kafka, setup.contract.topic)).toBe(endBefore);

      // a cold consumer pauses on the schema it cannot fetch, and dead-letters nothing
      await cold.consumer.start();
      await waitUntil(
        () => cold.counts.transient >= 2,
        () => `2 transient errors in the cold consumer, ${cold.counts.transient} so far`,
        60_000,
      );
      expect(cold.tally.distinct).toBe(0);

      // registering a new contract retries with backoff until the registry is back
      const retries: number[] = [];
      const newContract = withTopic(setup.contract, uniqueTopic('faults-registry-new'));
      const registrationClient = countingClient();
      registration = retry(() => registerContract(newContract, registrationClient.client), {
        attempts: 15,
        initialDelayMs: 300,
        maxDelayMs: 3_000,
        onRetry: ({ attempt }) => retries.push(attempt),
      });
      await waitUntil(
        () => retries.length >= 2,
        () => `2 registration retries, ${retries.length} so far`,
        30_000,
      );
      const retriesWhileDown = retries.length;
      const restartStarted = Date.now();
      await own.stack.startRegistry();
      const restartMs = Date.now() - restartStarted;
      const newIds = (await registration) as Record<string, { id: number }>;
      expect(newIds[newContract.valueSubject!]!.id).toBeGreaterThan(0);

      // the cold consumer catches up; the registry kept its schemas
      await waitUntil(
        () => cold.tally.distinct >= sent.length,
        () => `${sent.length} handled by the cold consumer, ${cold.tally.distinct} so far`,
        120_000,
      );
      const fresh = countingClient().client;
      const after = await registerContract(setup.contract, fresh);
      const versionsAfter = await fresh.listVersions(setup.contract.valueSubject!);
      const storedAfter = await fresh.getSchemaById(ids[setup.contract.valueSubject!]!.id);

      const lost = warm.tally.missing(sent).length + cold.tally.missing(sent).length;
      reportFigures({
        scenario: 'registry-outage',
        fault: 'the Schema Registry stopped mid-stream and restarted',
        sent: sent.length,
        handled: warm.tally.distinct,
        duplicates: warm.tally.duplicates,
        deadLettered: warm.counts.deadLettered + cold.counts.deadLettered,
        lost,
        details: {
          publishedDuringOutage: DURING,
          warmRegistryCallsDuringOutage: warmCallsDuringOutage,
          coldProducerError: isContractsError(coldError) ? coldError.code : 'none',
          coldProducerHttpAttempts: coldRegistry.calls(),
          coldProducerFailedAfterMs: coldFailMs,
          coldConsumerTransientPauses: cold.counts.transient,
          coldConsumerHandledAfterRestart: cold.tally.distinct,
          registrationRetriesWhileDown: retriesWhileDown,
          registrationRetriesInAll: retries.length,
          registryRestartMs: restartMs,
          schemaIdsKept: JSON.stringify(after) === JSON.stringify(ids),
        },
        durationMs: Date.now() - began,
      });
      expect(warmCallsDuringOutage).toBe(0);
      expect(retriesWhileDown).toBeGreaterThanOrEqual(2);
      expect(after).toEqual(ids);
      expect(versionsAfter).toEqual(versionsBefore);
      expect(storedAfter.schema).toBe(
        setup.contract.schemas.find((s) => s.subject === setup.contract.valueSubject)!.schema,
      );
      expect(warm.counts.deadLettered + cold.counts.deadLettered).toBe(0);
      expect(lost).toBe(0);
    } finally {
      await registration?.catch(() => undefined);
      await warm.consumer.stop();
      await cold.consumer.stop();
    }
  });
});
