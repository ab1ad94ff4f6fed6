/**
 * The transformer's transactions, whatever the client: one transactional producer per input
 * partition (transactional id `<prefix>.<topic>.<partition>`), so the instance that takes a
 * partition over fences every earlier owner of it, zombies included, before it reads where the
 * group stands (the fencing Kafka Streams used before KIP-447, which kafkajs cannot send).
 *
 * - begin(): a partition seen for the first time since a join gets a new producer, whose
 *   InitProducerId fences the old one and ends its open transaction; then the group's committed
 *   offset is read again, and a batch fetched before another instance's last commit is skipped, as
 *   is one fetched again from before this instance's own last commit.
 * - commit(): the partition's pending outputs and dead letters (./outputs.ts) and the input's
 *   offset in one transaction. Any failure aborts it, drops the producer (a kafkajs producer whose
 *   transaction failed cannot begin another: tulios/kafkajs#430) and fails the batch with a typed
 *   error; the messages come again from the committed offset, so nothing is written twice.
 */
import { isContractsError, TransactionAbortedError, TransactionFencedError } from '../errors';
import { kafkaErrorType } from '../kafka/client';
import type { OutgoingRecord } from '../kafka/transport';
import type { RateLimitedLogger } from '../log';
import type { BatchControl, BatchTransactions } from '../consumer/runner';
import { sourcePartitioner } from '../dlq/partition';
import { keyPartitioner, type KeyPartitioner } from '../producer/partitioners';
import { topicPartitions, type TopicPartitions } from '../producer/topic-partitions';
import { recordBytes, type PendingOutputs, type PendingRecord } from './outputs';

/** One input partition's transactional producer, as a transport gives it. */
export interface PartitionProducer {
  /** Initialises the producer id of its transactional id: every older producer of it is fenced. */
  ready(): Promise<void>;
  /** In one transaction: the records (each to its topic) and the group's offset `next` of the input partition. */
  commit(records: ReadonlyArray<{ topic: string; records: OutgoingRecord[] }>, offset: GroupOffset): Promise<void>;
  close(): Promise<void>;
}

export interface GroupOffset {
  topic: string;
  partition: number;
  /** The offset the group goes on from (the last handled + 1). */
  next: string;
  /** The batch's group member (the transport's own: what its offset commit sends). */
  groupMember: unknown;
}

/** What the transformer needs of a transport. */
export interface TransactionsClient {
  producer(transactionalId: string): PartitionProducer;
  /** The group's committed offset of a partition; undefined when it has none. */
  committedOffset(groupMember: unknown, topic: string, partition: number): Promise<string | undefined>;
  /** What changes each time the member joins the group (a partition's owner may have changed). */
  joinStamp(groupMember: unknown): unknown;
  /** A topic's partition count; undefined when it cannot be read. */
  partitionCount(topic: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/**
 * Kafka error types that mean another producer of the transactional id took over. A group that
 * moved to a newer generation (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID on a KIP-447 offset commit) is
 * not one: the transaction is aborted and its inputs read again once the member rejoined — treating
 * it as fenced made every member of a rebalancing group crash and rejoin, which rebalanced it again.
 */
const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'FENCED_INSTANCE_ID']);

/**
 * Broker answers that no retry can change: the transformer stops with what to fix (retrying made a
 * transaction timeout above the brokers' limit a partition paused forever, one warn line at a time).
 */
function refused(type: string, transactionalId: string, timeoutMs: number | undefined): string | undefined {
  switch (type) {
    case 'INVALID_TRANSACTION_TIMEOUT':
      return `transactionTimeoutMs${timeoutMs === undefined ? '' : ` (${timeoutMs} ms)`} is above the brokers' transaction.max.timeout.ms (15 minutes by default): lower it, or raise the brokers' limit`;
    case 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED':
      return `the principal may not use transactional id ${transactionalId}: grant it Write (and Describe) on the transactional ids of the prefix (transactionalIdPrefix, default the groupId)`;
    case 'CLUSTER_AUTHORIZATION_FAILED':
      return 'the principal may not write idempotently: grant it IdempotentWrite on the cluster';
    case 'GROUP_AUTHORIZATION_FAILED':
    case 'TOPIC_AUTHORIZATION_FAILED':
      return 'the principal lacks an ACL the transaction needs: Read on the group, Write on the output and dead-letter topics';
    default:
      return undefined;
  }
}

/** Records per send inside a transaction: a record batch the broker takes (message.max.bytes is 1 MB by default). */
const CHUNK_BYTES = 512 * 1024;

export interface TransactionsOptions {
  groupId: string;
  /** Its records go to their source partition; every other output by its key, as `publish` places it. */
  deadLetterTopic: string;
  partitioner?: KeyPartitioner;
  transactionalIdPrefix: string;
  client: TransactionsClient;
  pending: PendingOutputs;
  log: RateLimitedLogger;
  /** For the hint of a timeout the brokers refuse. */
  transactionTimeoutMs?: number;
}

export function createTransactions(options: TransactionsOptions): BatchTransactions & { close(): Promise<void> } {
  const { groupId, client, pending, log } = options;
  const producers = new Map<string, PartitionProducer>();
  /** The member and join each partition was last checked for. */
  const checked = new Map<string, { member: unknown; stamp: unknown }>();
  /**
   * The offset this instance's last transaction committed per partition (the next to handle). A
   * client may fetch from before it again within one join: @platformatic/kafka rejoins while a batch
   * is handled and sets its fetch position to a committed offset read before that batch's commit.
   * Handling those records again would write their outputs twice (a crash-fuzz counted 146).
   */
  const ownCommit = new Map<string, bigint>();
  const behind = (id: string, fetched: string, committed: string | undefined) => {
    const own = ownCommit.get(id);
    const group = committed === undefined ? undefined : BigInt(committed);
    // the group's offset only moves back by an offset reset, which needs every member gone
    const next = own !== undefined && (group === undefined || own > group) ? own : group;
    return next !== undefined && next > BigInt(fetched) ? next.toString() : undefined;
  };

  const counts = new Map<string, TopicPartitions>();
  const byKey = keyPartitioner(options.partitioner)();
  const bySource = sourcePartitioner();
  /** Fixes each record's partition before the transaction, so a span and a reader agree on where it went. */
  const place = async (outputs: PendingRecord[]) => {
    for (const { topic, record } of outputs) {
      if (record.partition !== undefined) continue;
      let partitions = counts.get(topic);
      if (!partitions) counts.set(topic, (partitions = topicPartitions(() => client.partitionCount(topic))));
      const count = partitions.known() ?? (await partitions.read());
      if (count === undefined) continue; // the client's own partitioner then
      const partitionMetadata = partitions.metadataFor(count);
      const choose = topic === options.deadLetterTopic ? bySource : byKey;
      record.partition = choose({ topic, partitionMetadata, message: record as never });
    }
  };

  const idOf = (topic: string, partition: number) => `${options.transactionalIdPrefix}.${topic}.${partition}`;

  const drop = async (id: string) => {
    const producer = producers.get(id);
    producers.delete(id);
    await producer?.close().catch(() => undefined);
  };

  return {
    async begin(batch: BatchControl) {
      const { topic, partition, groupMember } = batch;
      pending.drop(partition);
      const id = idOf(topic, partition);
      const stamp = client.joinStamp(groupMember);
      const last = checked.get(id);
      if (last && last.member === groupMember && last.stamp === stamp && producers.has(id)) {
        const from = behind(id, batch.firstOffset, undefined);
        if (from !== undefined)
          log.write(
            'info',
            'transaction-skip',
            `${topic}[${partition}] was fetched again from before its last commit`,
            {
              group: groupId,
              topic,
              partition,
              fetched: batch.firstOffset,
              committed: from,
            },
          );
        return from;
      }
      // (re)assigned: a new producer fences every earlier one of this partition before the offset is read
      await drop(id);
      const producer = client.producer(id);
      producers.set(id, producer);
      try {
        await producer.ready();
      } catch (error) {
        await drop(id);
        const failed = failure(error, id, topic, partition, batch.firstOffset);
        log.write('warn', 'transaction-init-failed', failed.message, {
          group: groupId,
          topic,
          partition,
          code: failed.code,
        });
        throw failed;
      }
      const committed = behind(id, batch.firstOffset, await client.committedOffset(groupMember, topic, partition));
      checked.set(id, { member: groupMember, stamp });
      if (committed !== undefined) {
        log.write('info', 'transaction-skip', `${topic}[${partition}] was committed past this batch`, {
          group: groupId,
          topic,
          partition,
          fetched: batch.firstOffset,
          committed,
        });
      }
      return committed;
    },

    async commit(batch: BatchControl, offset: string) {
      const { topic, partition, groupMember } = batch;
      const id = idOf(topic, partition);
      const outputs = pending.take(partition);
      const producer = producers.get(id);
      try {
        if (!producer) throw new Error(`no transactional producer for ${id} (begin() not called)`);
        await place(outputs);
        await producer.commit(chunked(outputs), { topic, partition, next: String(BigInt(offset) + 1n), groupMember });
      } catch (error) {
        await drop(id);
        checked.delete(id);
        const failed = failure(error, id, topic, partition, offset);
        for (const o of outputs) o.span?.end({ error: failed });
        const fenced = failed instanceof TransactionFencedError;
        log.write(fenced ? 'error' : 'warn', fenced ? 'transaction-fenced' : 'transaction-aborted', failed.message, {
          group: groupId,
          topic,
          partition,
          offset,
          outputs: outputs.length,
          code: failed.code,
        });
        throw failed;
      }
      ownCommit.set(id, BigInt(offset) + 1n);
      for (const o of outputs) o.span?.end({ partition: o.record.partition ?? -1 });
    },

    async close() {
      await Promise.all([...producers.keys()].map(drop));
      checked.clear();
      ownCommit.clear();
      await client.close().catch(() => undefined);
    },
  };

  function failure(error: unknown, id: string, topic: string, partition: number, offset: string) {
    if (error instanceof TransactionFencedError || error instanceof TransactionAbortedError) return error;
    const type = kafkaErrorType(error);
    if (type && FENCED.has(type)) return new TransactionFencedError(groupId, id, { topic, partition, offset }, error);
    const refusal = type ? refused(type, id, options.transactionTimeoutMs) : undefined;
    if (refusal) return new TransactionAbortedError(groupId, id, { topic, partition, offset }, error, false, refusal);
    return new TransactionAbortedError(
      groupId,
      id,
      { topic, partition, offset },
      error,
      isContractsError(error) ? error.retriable : true,
    );
  }
}

/** The records by topic, each topic's in sends of at most CHUNK_BYTES, in the order they were published. */
function chunked(outputs: PendingRecord[]): Array<{ topic: string; records: OutgoingRecord[] }> {
  const sends: Array<{ topic: string; records: OutgoingRecord[]; bytes: number }> = [];
  const open = new Map<string, { topic: string; records: OutgoingRecord[]; bytes: number }>();
  for (const { topic, record } of outputs) {
    const size = recordBytes(record);
    let send = open.get(topic);
    if (!send || (send.records.length > 0 && send.bytes + size > CHUNK_BYTES)) {
      send = { topic, records: [], bytes: 0 };
      open.set(topic, send);
      sends.push(send);
    }
    send.records.push(record);
    send.bytes += size;
  }
  return sends;
}
