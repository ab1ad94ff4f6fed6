/**
 * The kafkajs client under the consumer: the group member the supervisor creates and runs (a
 * kafkajs consumer subscribed to the contract's topic, feeding the runner batch by batch), a
 * kafkajs batch as the runner's BatchControl, and the producer the dead letters go through. The
 * rest of the consumer knows kafkajs only through these (and ./dead-letters.ts), so this is what
 * a second Kafka client would stand beside.
 */
import type { Consumer as KafkaConsumer, EachBatchPayload, Kafka, Producer as KafkaProducer } from 'kafkajs';
import { sourcePartitioner } from '../dlq/partition';
import type { AnyTopicContract } from '../serde';
import { CONSUMER_EVENTS, type ConsumerEmitter } from './events';
import type { ConsumerOptions } from './options';
import type { BatchControl, Runner } from './runner';
import type { SupervisorHooks } from './supervisor';

export interface MemberOptions {
  kafka: Kafka;
  topic: string;
  options: ConsumerOptions<AnyTopicContract>;
  runner: Runner;
  events: ConsumerEmitter;
  /** False once the consumer is stopping. */
  running(): boolean;
}

/** How the supervisor makes and runs a kafkajs group member. */
export function kafkajsMember(member: MemberOptions): Pick<SupervisorHooks, 'create' | 'run'> {
  const { kafka, options, runner, events } = member;
  const restartOnFailure = options.consumerConfig?.retry?.restartOnFailure;
  return {
    create: () =>
      kafka.consumer({
        ...options.consumerConfig,
        groupId: options.groupId,
        // kafkajs restarts a crashed consumer on a timer; a crash during stop() (a join or fetch cut
        // short by the disconnect) must not bring back a consumer nobody will stop again
        retry: {
          ...options.consumerConfig?.retry,
          restartOnFailure: async (e) => member.running() && (restartOnFailure ? restartOnFailure(e) : true),
        },
      }),
    run: async (consumer) => {
      consumer.on(consumer.events.CRASH, (e) => {
        events.emit(CONSUMER_EVENTS.CRASHED, { error: e.payload.error, restart: e.payload.restart });
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [member.topic], fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => runner.eachBatch(batchControl(consumer, payload)),
      });
    },
  };
}

/** The dead-letter producer: idempotent, one request in flight, each record to its source partition. */
export function deadLetterProducer(kafka: Kafka): KafkaProducer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: sourcePartitioner });
}

/** A kafkajs batch as the runner's BatchControl. */
function batchControl(consumer: KafkaConsumer, payload: EachBatchPayload): BatchControl {
  const { batch } = payload;
  const { topic, partition } = batch;
  return {
    topic,
    partition,
    messages: batch.messages,
    firstOffset: batch.firstOffset() ?? '0',
    highWatermark: batch.highWatermark,
    lastOffset: batch.lastOffset(),
    heartbeat: payload.heartbeat,
    isRunning: payload.isRunning,
    isStale: payload.isStale,
    commit: (offset) => {
      payload.resolveOffset(offset);
      return consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
    },
    seek: (offset) => consumer.seek({ topic, partition, offset }),
    pause: payload.pause,
  };
}
