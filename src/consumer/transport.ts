/**
 * What the consumer needs of its transport, in one place: a ConsumerClient makes the group members
 * the supervisor runs and the producer dead letters go through. ./kafkajs.ts and ./platformatic.ts
 * each make one from the same MemberOptions; index.ts picks one by `transport`.
 */
import type { GroupMember, RecordProducer } from '../kafka/transport';
import type { AnyTopicContract } from '../serde';
import type { ConsumerEmitter } from './events';
import type { ConsumerOptions } from './options';
import type { Runner } from './runner';

export interface MemberOptions {
  topic: string;
  options: ConsumerOptions<AnyTopicContract>;
  runner: Runner;
  events: ConsumerEmitter;
  /** False once the consumer is stopping. */
  running(): boolean;
}

export interface ConsumerClient {
  /** A new group member of the contract's topic, feeding the runner (not connected). */
  create(): GroupMember;
  /** The dead-letter producer: idempotent, acks=all, each record to the partition its message came from. */
  deadLetterProducer(): RecordProducer;
}
