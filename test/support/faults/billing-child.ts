/**
 * The seed's billing service in a process of its own, for the crash-fuzz scenario: it consumes
 * booking.created on FAULTS_TOPIC (group FAULTS_GROUP) and publishes one booking.confirmed per
 * booking to the same topic — as a transformer (FAULTS_MODE=transformer: outputs and offsets in
 * one transaction) or as a consumer plus a producer (FAULTS_MODE=plain: at-least-once). Each
 * handled booking costs FAULTS_WORK_MS (default 5) of work, so kills land mid-stream. Prints
 * `ready` once it runs; FAULTS_HOLD=<bookingId> makes it print `holding <bookingId>` after that
 * booking's publish and wait FAULTS_HOLD_MS before returning (the scenario freezes it then).
 * The transport is CONTRACTS_TRANSPORT's; logs go to stderr as JSON.
 */
import { CONSUMER_EVENTS, createConsumer, type MessageContext } from '../../../src/consumer';
import { bookingsContract, type BookingCreated } from '../../../src/generated/bookings';
import { createProducer } from '../../../src/producer';
import { createTransformer } from '../../../src/transformer';
import { confirmationOf } from '../bookings-fixtures';
import { withTopic } from '../contracts';
import { requiredEnv } from '../stack-env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const contract = withTopic(bookingsContract, requiredEnv('FAULTS_TOPIC'));
  const groupId = requiredEnv('FAULTS_GROUP');
  const workMs = Number(process.env.FAULTS_WORK_MS ?? 5);
  const hold = process.env.FAULTS_HOLD;
  const holdMs = Number(process.env.FAULTS_HOLD_MS ?? 0);
  const common = {
    groupId,
    fromBeginning: true,
    stopOnSignals: ['SIGTERM'] as NodeJS.Signals[],
    consumerConfig: { sessionTimeout: 6_000, heartbeatInterval: 500 },
    retry: { attempts: 3, initialDelayMs: 50 },
  };
  const afterPublish = async (event: BookingCreated) => {
    if (event.bookingId === hold) {
      process.stdout.write(`holding ${hold}\n`);
      await sleep(holdMs);
    }
    await sleep(workMs);
  };

  let service: { start(): Promise<void>; on: ReturnType<typeof createConsumer>['on'] };
  if (process.env.FAULTS_MODE === 'plain') {
    const producer = createProducer({ contract });
    await producer.connect();
    service = createConsumer({
      ...common,
      contract,
      handlers: {
        'booking.created': async (event: BookingCreated, _ctx: MessageContext) => {
          await producer.publish('booking.confirmed', confirmationOf(event));
          await afterPublish(event);
        },
        'booking.confirmed': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.failed': 'ignore',
      },
    });
  } else {
    service = createTransformer({
      ...common,
      from: contract,
      to: contract,
      handlers: {
        'booking.created': async (event, out) => {
          await out.publish('booking.confirmed', confirmationOf(event));
          await afterPublish(event);
        },
        'booking.confirmed': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.failed': 'ignore',
      },
    });
  }
  service.on(CONSUMER_EVENTS.STOPPED, () => process.exit(0));
  await service.start();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`billing-child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
