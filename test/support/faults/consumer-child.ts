/**
 * A consumer service in a process of its own, for the SIGKILL scenario: it consumes the bookings
 * contract on FAULTS_TOPIC with the kit's consumer (group FAULTS_GROUP) and appends the eventId of
 * every handled event to FAULTS_OUT, synchronously, before the handler returns (so before its
 * offset can be committed). Prints `ready` once it runs; stops gracefully on SIGTERM.
 *
 *   FAULTS_TOPIC=… FAULTS_GROUP=… FAULTS_OUT=… KAFKA_BROKERS=… SCHEMA_REGISTRY_URL=… \
 *     node --import tsx test/support/faults/consumer-child.ts
 */
import { appendFileSync } from 'node:fs';
import { logLevel } from 'kafkajs';
import { createConsumer, CONSUMER_EVENTS } from '../../../src/consumer';
import { bookingsContract } from '../../../src/generated/bookings';
import { withTopic } from '../contracts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const out = required('FAULTS_OUT');
  const contract = withTopic(bookingsContract, required('FAULTS_TOPIC'));
  const record = async (event: { eventId: string }) => {
    appendFileSync(out, `${event.eventId}\n`);
    // a service does some work per event; ~1 ms also keeps the stream long enough (≥ 6 s) that the
    // kills land mid-stream on a fast, idle machine (on one, the second kill came after the last event)
    await new Promise((resolve) => setTimeout(resolve, 1));
  };
  const consumer = createConsumer({
    contract,
    groupId: required('FAULTS_GROUP'),
    fromBeginning: true,
    stopOnSignals: ['SIGTERM'],
    kafkaConfig: { logLevel: logLevel.NOTHING },
    // a killed member is noticed after the session timeout; the broker's minimum keeps the test short
    consumerConfig: { sessionTimeout: 6_000, heartbeatInterval: 1_000 },
    handlers: { 'booking.created': record, 'booking.confirmed': record, 'booking.cancelled': record, 'booking.failed': record },
  });
  consumer.on(CONSUMER_EVENTS.STOPPED, () => process.exit(0));
  await consumer.start();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`consumer-child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
