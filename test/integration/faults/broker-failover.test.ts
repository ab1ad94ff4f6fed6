/**
 * Fault 3: a three-broker cluster of this test's own (topic with replication factor 3 and
 * min.insync.replicas 2); the leader of partition 0 is killed (SIGKILL) a third into a stream and
 * brought back two thirds in. Producers (acks=all) and the consumer carry on on the two remaining
 * brokers; every acknowledged event is handled (lost = 0).
 */
import { faultScenario, reportStream } from '../../support/faults/scenario';
import { makeEvents, waitUntil } from '../../support/faults/stream';

jest.setTimeout(360_000);

const EVENTS = 10_000;
const BATCH = 200;

const scenario = faultScenario({
  name: 'failover',
  ownStack: { brokers: 3, kafkaPort: 19192, registryPort: 18181 },
  topic: { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 },
});

describe('one broker of three killed mid-stream', () => {
  it(`carries on and loses none of ${EVENTS.toLocaleString('en')} events when a partition leader dies and comes back`, async () => {
    const began = Date.now();
    const member = scenario.consumer();
    const { consumer, tally, counts } = member;
    await consumer.start();
    const [victim] = (await scenario.leaders(scenario.setup.contract.topic)) as [number];
    let down = false;
    let batchesWhileDown = 0;
    let returning: Promise<void> | undefined;
    let failure: Error | undefined;
    let handledWhileDown = 0;
    let published;
    try {
      published = await scenario.publish(makeEvents(EVENTS), {
        batchSize: BATCH,
        beforeBatch: async (index, batches) => {
          if (failure) throw failure;
          if (down) batchesWhileDown += 1;
          if (index === Math.floor(batches / 3)) {
            await scenario.own.killBroker(victim);
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
            returning = scenario.own.startBroker(victim).then(
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
      await scenario.waitForHandled(member, published.acknowledged.length, 180_000);
    } finally {
      await returning;
      await consumer.stop();
    }

    const lost = reportStream({
      scenario: 'broker-failover',
      fault: `1 of 3 brokers (leader of partition 0; RF 3, min.insync.replicas 2) killed and brought back during a ${EVENTS.toLocaleString('en')}-event stream`,
      member,
      published,
      batchSize: BATCH,
      details: {
        killedBroker: victim,
        batchesPublishedWhileDown: batchesWhileDown,
        eventsHandledWhileDown: handledWhileDown,
      },
      began,
    });
    expect(published.acknowledged).toHaveLength(EVENTS);
    expect(lost).toBe(0);
    expect(counts.deadLettered).toBe(0);
    // producers and the consumer carried on while the broker was down
    expect(batchesWhileDown).toBeGreaterThan(0);
    expect(handledWhileDown).toBeGreaterThan(0);
  });
});
