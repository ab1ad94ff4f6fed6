/**
 * The supervisor's kafkajs consumer in use: makes and runs one (the hooks say how), hears its
 * group events, and tells the supervisor only about the one in use — a replaced consumer's late
 * join, crash or heartbeat changes nothing. Kept apart from the state machine so what the
 * supervisor needs of a client's group member is this file's small surface.
 */
import type { Consumer as KafkaConsumer } from 'kafkajs';
import { joined } from './rejoin';

export interface MembershipHooks {
  /** A new kafkajs consumer (not connected). */
  create(): KafkaConsumer;
  /** Connects, subscribes and runs it; rejects when it cannot start. */
  run(consumer: KafkaConsumer): Promise<void>;
  /** The consumer in use joined its group with this assignment (topic → partitions). */
  joinedGroup(assignment: Record<string, number[]>): void;
  /** The consumer in use crashed; kafkajs restarts it by itself when `restart` is true. */
  crashed(error: unknown, restart: boolean): void;
  /** The failure a rejoin that is aborted rejects with. */
  lastError(): unknown;
}

export interface Membership {
  /** Makes and runs a new consumer; with `signal`, resolves only once it joined (a rejoin). */
  launch(signal?: AbortSignal): Promise<void>;
  /** Disconnects the consumer in use, if any (kafkajs waits for the batch in progress). */
  release(): Promise<void>;
  /** Last heartbeat the group coordinator accepted from the consumer in use. */
  lastHeartbeatAt(): number | undefined;
}

export function createMembership(hooks: MembershipHooks): Membership {
  let current: KafkaConsumer | undefined;
  let lastHeartbeatAt: number | undefined;

  const watch = (consumer: KafkaConsumer) => {
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      if (consumer === current) hooks.joinedGroup(e.payload.memberAssignment);
    });
    consumer.on(consumer.events.HEARTBEAT, () => {
      if (consumer === current) lastHeartbeatAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (consumer === current) hooks.crashed(e.payload.error, e.payload.restart);
    });
  };

  return {
    async launch(signal) {
      const consumer = hooks.create();
      current = consumer;
      watch(consumer);
      const join = signal ? joined(consumer, signal, hooks.lastError) : undefined;
      join?.catch(() => undefined);
      await hooks.run(consumer);
      await join;
    },
    async release() {
      const consumer = current;
      current = undefined;
      await consumer?.disconnect().catch(() => undefined);
    },
    lastHeartbeatAt: () => lastHeartbeatAt,
  };
}
