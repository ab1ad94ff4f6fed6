/**
 * The supervisor's group member in use (a transport's GroupMember): makes and runs one, hears its
 * group events, and tells the supervisor only about the one in use — a replaced consumer's late
 * join, crash or heartbeat changes nothing. Kept apart from the state machine so what the
 * supervisor needs of a client's group member is this file's small surface.
 */
import type { GroupMember } from '../kafka/transport';
import { joined } from './rejoin';

export interface MembershipHooks {
  /** A new group member (not connected). */
  create(): GroupMember;
  /** The consumer in use joined its group with this assignment (topic → partitions). */
  joinedGroup(assignment: Record<string, number[]>): void;
  /** The member in use crashed; its client rejoins by itself when `restart` is true. */
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
  let current: GroupMember | undefined;
  let lastHeartbeatAt: number | undefined;

  const watch = (member: GroupMember) => {
    member.on('joined', (assignment) => {
      if (member === current) hooks.joinedGroup(assignment);
    });
    member.on('heartbeat', () => {
      if (member === current) lastHeartbeatAt = Date.now();
    });
    member.on('crashed', (error, restart) => {
      if (member === current) hooks.crashed(error, restart);
    });
  };

  return {
    async launch(signal) {
      const consumer = hooks.create();
      current = consumer;
      watch(consumer);
      const join = signal ? joined(consumer, signal, hooks.lastError) : undefined;
      join?.catch(() => undefined);
      await consumer.run();
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
