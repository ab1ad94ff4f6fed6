/**
 * One member of the rolling-restart experiment's group, in a process of its own: the kit's consumer
 * of the bookings contract on ROLL_TOPIC (group ROLL_GROUP) on ROLL_TRANSPORT, with ROLL_INSTANCE_ID
 * (static membership) and ROLL_PROTOCOL when set. Appends `eventId partition time` for each handled
 * event to ROLL_OUT before the handler returns (so before its offset can be committed); prints
 * `ready` once its consumer has partitions; stops gracefully on SIGTERM, as a deploy stops a pod.
 */
import { appendFileSync } from 'node:fs';
import { logLevel } from 'kafkajs';
import { createConsumer, CONSUMER_EVENTS, type GroupMembership } from '../../src/consumer';
import { bookingsContract } from '../../src/generated/bookings';
import type { TransportName } from '../../src/kafka/transport';
import { withTopic } from '../../test/support/contracts';
import { everyEvent } from '../../test/support/faults/stream';
import { requiredEnv } from '../../test/support/stack-env';

async function main(): Promise<void> {
  const out = requiredEnv('ROLL_OUT');
  const transport = requiredEnv('ROLL_TRANSPORT') as TransportName;
  const membership: GroupMembership = {
    instanceId: process.env.ROLL_INSTANCE_ID || undefined,
    protocol: (process.env.ROLL_PROTOCOL as GroupMembership['protocol']) || undefined,
  };
  const create = () =>
    createConsumer({
      contract: withTopic(bookingsContract, requiredEnv('ROLL_TOPIC')),
      groupId: requiredEnv('ROLL_GROUP'),
      transport,
      membership,
      fromBeginning: true,
      stopOnSignals: ['SIGTERM'],
      ...(transport === 'kafkajs' ? { kafkaConfig: { logLevel: logLevel.NOTHING } } : {}),
      // the classic protocol's session: long enough for a restarted static member to come back
      // within it; the consumer protocol's is the broker's
      consumerConfig:
        membership.protocol === 'consumer' ? undefined : { sessionTimeout: 15_000, heartbeatInterval: 1_000 },
      handlers: everyEvent(async (event, context) => {
        appendFileSync(out, `${event.eventId} ${context.partition} ${Date.now()}\n`);
      }),
    });
  // a crashed static member's id stays held until its session expires (the consumer protocol
  // refuses it meanwhile): like a restarting pod, start again each second
  let consumer = create();
  for (let attempt = 1; ; attempt++) {
    try {
      await consumer.start();
      break;
    } catch (error) {
      if (!/UNRELEASED_INSTANCE_ID/.test((error as Error).message) || attempt >= 120) throw error;
      if (attempt === 1) process.stderr.write(`start refused (${(error as Error).message}); retrying each second\n`);
      await consumer.stop().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      consumer = create();
    }
  }
  consumer.on(CONSUMER_EVENTS.STOPPED, () => process.exit(0));
  consumer.on(CONSUMER_EVENTS.ERROR, ({ error }) =>
    process.stderr.write(`consumer failed: ${error.code}: ${error.message}\n`),
  );
  while (consumer.health().partitions.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
