/**
 * Fault 1: the only broker of a stack of this test's own is killed (SIGKILL) and started again in
 * the middle of a stream of 20,000 events. Every acknowledged event must be handled at least once
 * (lost = 0, counted by distinct eventId); redeliveries are counted as duplicates. Then its
 * registry is stopped and started again, and must still have what it acknowledged.
 */
import { execFileSync } from 'node:child_process';
import { faultScenario, reportStream } from '../../support/faults/scenario';
import { makeEvents } from '../../support/faults/stream';

jest.setTimeout(300_000);

const EVENTS = 20_000;
const BATCH = 250;
const KAFKA_PORT = 19092;

const scenario = faultScenario({
  name: 'broker-restart',
  ownStack: { kafkaPort: KAFKA_PORT, registryPort: 18081 },
  topic: { partitions: 3 },
});

describe('a broker restart in the middle of a stream', () => {
  it(`handles all ${EVENTS.toLocaleString('en')} events at least once when the broker is killed and restarted mid-stream`, async () => {
    const began = Date.now();
    const member = scenario.consumer();
    const { consumer, tally, counts } = member;
    await consumer.start();
    const events = makeEvents(EVENTS);
    let restart: Promise<void> | undefined;
    let restartError: Error | undefined;
    let handledAtKill = 0;
    let portWaitMs = 0;
    let published;
    try {
      published = await scenario.publish(events, {
        batchSize: BATCH,
        beforeBatch: (index, batches) => {
          if (restartError) throw restartError;
          if (index !== Math.floor(batches / 3)) return;
          handledAtKill = tally.distinct;
          restart = (async () => {
            await scenario.own.killBroker(1);
            portWaitMs = (await scenario.own.startBroker(1)).portWaitMs;
          })().catch((error: unknown) => {
            restartError = new Error(`the broker did not come back: ${String(error)}\n${describePort(KAFKA_PORT)}`);
          });
        },
      });
      await restart;
      if (restartError) throw restartError;
      await scenario.waitForHandled(member, published.acknowledged.length, 180_000);
    } finally {
      await restart;
      await consumer.stop();
    }

    const lost = reportStream({
      scenario: 'broker-restart',
      fault: `the only broker killed (SIGKILL) and restarted during a ${EVENTS.toLocaleString('en')}-event stream`,
      member,
      published,
      batchSize: BATCH,
      details: { handledWhenKilled: handledAtKill, portBusyAfterKillMs: portWaitMs, transientPauses: counts.transient },
      began,
    });
    expect(published.acknowledged).toHaveLength(EVENTS);
    expect(lost).toBe(0);
    expect(counts.deadLettered).toBe(0);
    // the kill really happened while events were in flight
    expect(handledAtKill).toBeLessThan(EVENTS);
  });
});

// Here rather than in stack.test.ts: it stops the registry, which the files sharing the suite's
// stack in other jest workers would see as an outage.
describe('the registry of the local stack restarted', () => {
  it('keeps a schema it acknowledged even when killed (SIGKILL) right after the registration', async () => {
    const { stack } = scenario.own;
    const url = scenario.registryUrl;
    const headers = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };
    const subject = `stack-durable-${Date.now()}-value`;
    const schema = JSON.stringify({ type: 'record', name: 'Durable', fields: [{ name: 'n', type: 'int' }] });
    const registered = await fetch(`${url}/subjects/${subject}/versions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schema }),
    });
    expect(registered.status).toBe(200);
    const { id } = (await registered.json()) as { id: number };

    // killed within milliseconds of its answer: with H2's lazy writes this lost the schema
    await stack.stopRegistry({ signal: 'SIGKILL' });
    expect((await stack.status()).registry.running).toBe(false);
    await scenario.own.startRegistry();

    const after = await fetch(`${url}/schemas/ids/${id}`);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { schema: string }).schema).toContain('Durable');
    const versions = await fetch(`${url}/subjects/${subject}/versions`);
    expect(await versions.json()).toEqual([1]);
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
