/**
 * Fault 3: a three-broker cluster of this test's own (topic with replication factor 3 and
 * min.insync.replicas 2); the leader of partition 0 is killed (SIGKILL) a third into a stream and
 * brought back two thirds in. Producers (acks=all) and the consumer carry on on the two remaining
 * brokers; every acknowledged event is handled (lost = 0).
 */
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

jest.setTimeout(360_000);

const EVENTS = 10_000;
const BATCH = 200;

let own: OwnStack;
let setup: TopicSetup;

beforeAll(async () => {
  own = await startOwnStack({ name: 'failover', brokers: 3, kafkaPort: 19192, registryPort: 18181 });
  setup = await setUpFaultTopic('faults-failover', own.brokers, own.registryUrl, {
    partitions: 3,
    replicationFactor: 3,
    minInsyncReplicas: 2,
  });
});
afterAll(async () => {
  await own?.down();
});

async function leaderOfPartition0(): Promise<number> {
  const admin = setup.kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [setup.contract.topic] });
    return metadata.topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
  } finally {
    await admin.disconnect();
  }
}

describe('one broker of three killed mid-stream', () => {
  it(`carries on and loses none of ${EVENTS.toLocaleString('en')} events when a partition leader dies and comes back`, async () => {
    const began = Date.now();
    const { consumer, groupId, tally, counts } = tallyingConsumer(setup, own.brokers);
    await consumer.start();
    const victim = await leaderOfPartition0();
    let down = false;
    let batchesWhileDown = 0;
    let returning: Promise<void> | undefined;
    let failure: Error | undefined;
    let handledWhileDown = 0;
    let published;
    try {
      published = await publishStream(kitProducer(setup, own.brokers), makeEvents(EVENTS), {
        batchSize: BATCH,
        beforeBatch: async (index, batches) => {
          if (failure) throw failure;
          if (down) batchesWhileDown += 1;
          if (index === Math.floor(batches / 3)) {
            await own.killBroker(victim);
            down = true;
            handledWhileDown = -tally.distinct;
          }
          if (index === Math.floor((2 * batches) / 3)) {
            // the broker stays down until the consumer has shown it carries on without it (bounded):
            // a fixed number of batches is only a few seconds on an idle machine, less than a group
            // needs to recover when the dead broker was its coordinator
            const handledAtKill = -handledWhileDown;
            await waitUntil(
              () => tally.distinct > handledAtKill,
              () =>
                `the consumer to handle an event while broker ${victim} is down (${tally.distinct - handledAtKill} since the kill)`,
              60_000,
            );
            handledWhileDown += tally.distinct;
            returning = own.startBroker(victim).then(
              () => {
                down = false;
              },
              (error: unknown) => {
                failure = new Error(`broker ${victim} did not come back: ${String(error)}`);
              },
            );
          }
        },
      });
      await returning;
      if (failure) throw failure;
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
      await returning;
      await consumer.stop();
    }

    const lost = tally.missing(published.acknowledged).length;
    reportFigures({
      scenario: 'broker-failover',
      fault: `1 of 3 brokers (leader of partition 0; RF 3, min.insync.replicas 2) killed and brought back during a ${EVENTS.toLocaleString('en')}-event stream`,
      sent: published.acknowledged.length,
      handled: tally.distinct,
      duplicates: tally.duplicates,
      deadLettered: counts.deadLettered,
      lost,
      details: {
        killedBroker: victim,
        batches: published.batches,
        batchSize: BATCH,
        batchesPublishedWhileDown: batchesWhileDown,
        eventsHandledWhileDown: handledWhileDown,
        batchRetries: published.batchRetries,
        producerRestarts: published.producerRestarts,
        consumerCrashesRecovered: counts.crashed,
      },
      durationMs: Date.now() - began,
    });
    expect(published.acknowledged).toHaveLength(EVENTS);
    expect(lost).toBe(0);
    expect(counts.deadLettered).toBe(0);
    // producers and the consumer carried on while the broker was down
    expect(batchesWhileDown).toBeGreaterThan(0);
    expect(handledWhileDown).toBeGreaterThan(0);
  });
});
