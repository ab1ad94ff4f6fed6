/**
 * Fault 1: the only broker of a stack of this test's own is killed (SIGKILL) and started again in
 * the middle of a stream of 20,000 events. Every acknowledged event must be handled at least once
 * (lost = 0, counted by distinct eventId); redeliveries are counted as duplicates.
 */
import { execFileSync } from 'node:child_process';
import { reportFigures } from '../../support/faults/figures';
import { startOwnStack, type OwnStack } from '../../support/faults/own-stack';
import {
  describeProgress,
  kitProducer,
  makeEvents,
  publishStream,
  setUpFaultTopic,
  tallyingConsumer,
  waitUntil,
  type TopicSetup,
} from '../../support/faults/stream';

jest.setTimeout(300_000);

const EVENTS = 20_000;
const BATCH = 250;
const KAFKA_PORT = 19092;

let own: OwnStack;
let setup: TopicSetup;

beforeAll(async () => {
  own = await startOwnStack({ name: 'broker-restart', kafkaPort: KAFKA_PORT, registryPort: 18081 });
  setup = await setUpFaultTopic('faults-restart', own.brokers, own.registryUrl, { partitions: 3 });
});
afterAll(async () => {
  await own?.down();
});

describe('a broker restart in the middle of a stream', () => {
  it(`handles all ${EVENTS.toLocaleString('en')} events at least once when the broker is killed and restarted mid-stream`, async () => {
    const began = Date.now();
    const { consumer, groupId, tally, counts } = tallyingConsumer(setup, own.brokers);
    await consumer.start();
    const events = makeEvents(EVENTS);
    let restart: Promise<void> | undefined;
    let restartError: Error | undefined;
    let handledAtKill = 0;
    let portWaitMs = 0;
    let published;
    try {
      published = await publishStream(kitProducer(setup, own.brokers), events, {
        batchSize: BATCH,
        beforeBatch: (index, batches) => {
          if (restartError) throw restartError;
          if (index !== Math.floor(batches / 3)) return;
          handledAtKill = tally.distinct;
          restart = (async () => {
            await own.killBroker(1);
            portWaitMs = (await own.startBroker(1)).portWaitMs;
          })().catch((error: unknown) => {
            restartError = new Error(`the broker did not come back: ${String(error)}\n${describePort(KAFKA_PORT)}`);
          });
        },
      });
      await restart;
      if (restartError) throw restartError;
      const expected = published.acknowledged.length;
      await waitUntil(
        () => tally.distinct >= expected,
        () => `${expected} events handled, ${tally.distinct} so far`,
        180_000,
      ).catch(async (error: Error) => {
        throw new Error(
          `${error.message}; ${await describeProgress(setup.kafka, groupId, setup.contract.topic)}; consumer ${JSON.stringify(counts)}`,
        );
      });
    } finally {
      await restart;
      await consumer.stop();
    }

    const lost = tally.missing(published.acknowledged).length;
    reportFigures({
      scenario: 'broker-restart',
      fault: `the only broker killed (SIGKILL) and restarted during a ${EVENTS.toLocaleString('en')}-event stream`,
      sent: published.acknowledged.length,
      handled: tally.distinct,
      duplicates: tally.duplicates,
      deadLettered: counts.deadLettered,
      lost,
      details: {
        batches: published.batches,
        batchSize: BATCH,
        batchRetries: published.batchRetries,
        producerRestarts: published.producerRestarts,
        handledWhenKilled: handledAtKill,
        portBusyAfterKillMs: portWaitMs,
        consumerCrashesRecovered: counts.crashed,
        transientPauses: counts.transient,
      },
      durationMs: Date.now() - began,
    });
    expect(published.acknowledged).toHaveLength(EVENTS);
    expect(lost).toBe(0);
    expect(counts.deadLettered).toBe(0);
    // the kill really happened while events were in flight
    expect(handledAtKill).toBeLessThan(EVENTS);
  });
});

/** Who holds a port (for the failure message when a restarted broker cannot bind it). */
function describePort(port: number): string {
  try {
    return execFileSync('ss', ['-tanp', `sport = :${port}`], { encoding: 'utf8' });
  } catch (error) {
    return `(ss failed: ${String(error)})`;
  }
}
