/**
 * A consumer service in a process of its own, for the scenarios that kill or freeze it: it consumes
 * the bookings contract on FAULTS_TOPIC with the kit's consumer (group FAULTS_GROUP) and appends the
 * eventId of every handled event to FAULTS_OUT, synchronously, before the handler returns (so before
 * its offset can be committed). Prints `ready` once it runs and `state <state>` on each health
 * change; stops gracefully on SIGTERM.
 *
 * Optional: FAULTS_SESSION_TIMEOUT_MS (default 6000), FAULTS_GIVE_UP_AFTER_MS (supervision budget)
 * and FAULTS_EXIT_ON_FAILURE=1 (exit 1 when the consumer gives up, printing its error's code).
 *
 *   FAULTS_TOPIC=… FAULTS_GROUP=… FAULTS_OUT=… KAFKA_BROKERS=… SCHEMA_REGISTRY_URL=… \
 *     node --import tsx test/support/faults/consumer-child.ts
 */
import { appendFileSync } from 'node:fs';
import { logLevel } from 'kafkajs';
import { createConsumer, CONSUMER_EVENTS } from '../../../src/consumer';
import { bookingsContract } from '../../../src/generated/bookings';
import { withTopic } from '../contracts';
import { everyEvent } from './stream';
import { requiredEnv } from '../stack-env';

async function main(): Promise<void> {
  const out = requiredEnv('FAULTS_OUT');
  const contract = withTopic(bookingsContract, requiredEnv('FAULTS_TOPIC'));
  const record = async (event: { eventId: string }) => {
    appendFileSync(out, `${event.eventId}\n`);
    // a service does some work per event; ~1 ms also keeps the stream long enough (≥ 6 s) that the
    // kills land mid-stream on a fast, idle machine (on one, the second kill came after the last event)
    await new Promise((resolve) => setTimeout(resolve, 1));
  };
  const consumer = createConsumer({
    contract,
    groupId: requiredEnv('FAULTS_GROUP'),
    fromBeginning: true,
    stopOnSignals: ['SIGTERM'],
    kafkaConfig: { logLevel: logLevel.NOTHING },
    // a killed member is noticed after the session timeout; the broker's minimum keeps the test short
    consumerConfig: {
      sessionTimeout: Number(process.env.FAULTS_SESSION_TIMEOUT_MS ?? 6_000),
      heartbeatInterval: 1_000,
    },
    supervision: {
      giveUpAfterMs: process.env.FAULTS_GIVE_UP_AFTER_MS ? Number(process.env.FAULTS_GIVE_UP_AFTER_MS) : undefined,
      exitOnFailure: process.env.FAULTS_EXIT_ON_FAILURE === '1',
    },
    handlers: everyEvent(record),
  });
  consumer.on(CONSUMER_EVENTS.STOPPED, () => process.exit(0));
  consumer.on(CONSUMER_EVENTS.STATE_CHANGED, ({ state }) => process.stdout.write(`state ${state}\n`));
  consumer.on(CONSUMER_EVENTS.ERROR, ({ error }) =>
    process.stderr.write(`consumer failed: ${error.code}: ${error.message}\n`),
  );
  await consumer.start();
  consumer.done().catch((error: { code?: string }) => process.stderr.write(`done() rejected: ${error.code}\n`));
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`consumer-child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
