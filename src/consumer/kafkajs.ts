/**
 * The kafkajs client under the consumer: the group member the supervisor creates and runs (a
 * kafkajs consumer subscribed to the contract's topic, feeding the runner batch by batch) as the
 * kit's GroupMember, a kafkajs batch as the runner's BatchControl (its messages as the kit's
 * ConsumedRecords), and the producer the dead letters go through. The rest of the consumer knows
 * kafkajs only through these; ./platformatic.ts stands beside it for @platformatic/kafka.
 */
import type { Consumer as KafkaConsumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { sourcePartitioner } from '../dlq/partition';
import { TransportUnsupportedError } from '../errors';
import type { ConsumedRecord, GroupMember, MemberEvents, RecordHeaders, RecordProducer } from '../kafka/transport';
import { CONSUMER_EVENTS } from './events';
import type { GroupMembership } from './options';
import type { BatchControl } from './runner';
import type { ConsumerClient, MemberOptions } from './transport';

/** The consumer's kafkajs client: group members and the dead-letter producer on one kafkajs `Kafka`. */
export function kafkajsClient(kafka: Kafka, member: MemberOptions): ConsumerClient {
  return {
    create: () => asGroupMember(createKafkajsConsumer(kafka, member), member),
    deadLetterProducer: () => deadLetterProducer(kafka),
  };
}

function createKafkajsConsumer(kafka: Kafka, member: MemberOptions): KafkaConsumer {
  const { options } = member;
  const restartOnFailure = options.consumerConfig?.retry?.restartOnFailure;
  return kafka.consumer({
    ...options.consumerConfig,
    groupId: options.groupId,
    // kafkajs restarts a crashed consumer on a timer; a crash during stop() (a join or fetch cut
    // short by the disconnect) must not bring back a consumer nobody will stop again
    retry: {
      ...options.consumerConfig?.retry,
      restartOnFailure: async (e) => member.running() && (restartOnFailure ? restartOnFailure(e) : true),
    },
  });
}

/** kafkajs joins groups only as a dynamic member of the classic protocol. */
export function assertKafkajsMembership(membership: GroupMembership | undefined): void {
  const hint = "use transport: 'platformatic' for this consumer";
  if (membership?.instanceId !== undefined)
    throw new TransportUnsupportedError('kafkajs', 'static membership (membership.instanceId)', hint);
  if (membership?.protocol === 'consumer')
    throw new TransportUnsupportedError(
      'kafkajs',
      "the consumer group protocol (membership.protocol: 'consumer')",
      hint,
    );
}

/** A kafkajs consumer as the kit's GroupMember: its instrumentation events as the member's. */
function asGroupMember(consumer: KafkaConsumer, member: MemberOptions): GroupMember {
  const { options, runner, events } = member;
  const groupMember: KafkajsGroupMember = { groupId: options.groupId, joins: 0 };
  const seeks: Seeks = { count: 0 };
  const on = <E extends keyof MemberEvents>(event: E, listener: MemberEvents[E]): (() => void) => {
    switch (event) {
      case 'joined': {
        const joined = listener as MemberEvents['joined'];
        return consumer.on(consumer.events.GROUP_JOIN, (e) => joined(e.payload.memberAssignment));
      }
      case 'heartbeat':
        return consumer.on(consumer.events.HEARTBEAT, () => (listener as MemberEvents['heartbeat'])());
      default: {
        const crashed = listener as MemberEvents['crashed'];
        return consumer.on(consumer.events.CRASH, (e) => crashed(e.payload.error, e.payload.restart));
      }
    }
  };
  return {
    on,
    disconnect: () => consumer.disconnect(),
    async run() {
      consumer.on(consumer.events.GROUP_JOIN, () => void (groupMember.joins += 1));
      // kafkajs skips a fetch of only transaction markers without calling eachBatch (and commits
      // nothing past it with autoCommit off): the runner moves the group past them
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize !== 0 || !member.running()) return;
        const { topic, partition } = payload;
        void runner.passedMarkers(topic, partition, payload.lastOffset, payload.highWatermark, (offset) =>
          consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]),
        ); // never rejects: the runner logs a failed commit
      });
      consumer.on(consumer.events.CRASH, (e) => {
        events.emit(CONSUMER_EVENTS.CRASHED, { error: e.payload.error, restart: e.payload.restart });
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [member.topic], fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => runner.eachBatch(batchControl(consumer, payload, groupMember, seeks)),
      });
    },
  };
}

/**
 * What a kafkajs transaction's sendOffsets needs of the member (kafkajs sends no generation: no
 * KIP-447), and how many times it joined, so a transformer re-checks its partitions after a join.
 */
export interface KafkajsGroupMember {
  groupId: string;
  joins: number;
}

/** The dead-letter producer: idempotent, acks=all, one request in flight, each record to its source partition. */
function deadLetterProducer(kafka: Kafka): RecordProducer {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: sourcePartitioner });
  return {
    connect: () => producer.connect(),
    send: (topic, records) => producer.send({ topic, acks: -1, messages: records }),
    disconnect: () => producer.disconnect(),
  };
}

const NO_HEADERS: RecordHeaders = Object.freeze({}) as RecordHeaders;

/**
 * kafkajs's messages as the kit's records: as they are (each has every field a ConsumedRecord has)
 * unless one carries a repeated header, which kafkajs makes a list of; then a copy of each.
 */
function recordsOf(messages: KafkaMessage[]): ConsumedRecord[] {
  for (const message of messages) {
    if (!message.headers || !plain(message.headers)) return messages.map(toRecord);
  }
  return messages as ConsumedRecord[];
}

/**
 * A kafkajs message as the kit's record: one object per message; headers passed as they are
 * unless kafkajs made a list of a repeated header (then its last value, as the Java client's
 * lastHeader reads it).
 */
function toRecord(message: KafkaMessage): ConsumedRecord {
  return {
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ? plainHeaders(message.headers) : NO_HEADERS,
    timestamp: message.timestamp,
  };
}

function plainHeaders(headers: NonNullable<KafkaMessage['headers']>): RecordHeaders {
  return plain(headers) ? (headers as RecordHeaders) : flattened(headers);
}

/** Whether every header has one value. */
function plain(headers: NonNullable<KafkaMessage['headers']>): headers is RecordHeaders {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || Array.isArray(value)) return false;
  }
  return true;
}

function flattened(headers: NonNullable<KafkaMessage['headers']>): RecordHeaders {
  const flat: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) flat[name] = last;
  }
  return flat;
}

/** The seeks this member's batches asked for: the only way a kafkajs partition becomes stale (consumer.seek). */
interface Seeks {
  count: number;
}

/** A kafkajs batch as the runner's BatchControl. */
function batchControl(
  consumer: KafkaConsumer,
  payload: EachBatchPayload,
  groupMember: KafkajsGroupMember,
  seeks: Seeks,
): BatchControl {
  const { batch } = payload;
  const { topic, partition } = batch;
  // kafkajs's isStale builds a `topic|partition` key per call, and the runner asks before every
  // message: ask kafkajs once, and again only after a seek of this member
  const seeksAtFetch = seeks.count;
  const staleAtFetch = payload.isStale();
  return {
    topic,
    partition,
    messages: recordsOf(batch.messages),
    firstOffset: batch.firstOffset() ?? '0',
    highWatermark: batch.highWatermark,
    lastOffset: batch.lastOffset(),
    heartbeat: payload.heartbeat,
    isRunning: payload.isRunning,
    isStale: () => (seeks.count === seeksAtFetch ? staleAtFetch : payload.isStale()),
    commit: (offset) => {
      payload.resolveOffset(offset);
      return consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
    },
    resolve: (offset) => payload.resolveOffset(offset),
    groupMember,
    seek: (offset) => {
      seeks.count += 1;
      consumer.seek({ topic, partition, offset });
    },
    pause: payload.pause,
  };
}
