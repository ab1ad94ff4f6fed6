/**
 * The transformer's transactions on @platformatic/kafka: a transactional platformatic producer per
 * input partition (beginTransaction() inits its transactional id: the fencing step), offsets sent
 * with the member's generation (KIP-447: a member of an older generation is refused too), and the
 * committed offset read through the member's own consumer.
 */
import type * as Platformatic from '@platformatic/kafka';
import type { KafkaConnectionOptions } from '../kafka/client';
import { platformatic, platformaticBase, platformaticProducer } from '../kafka/platformatic';
import type { KeyPartitioner } from '../producer/partitioners';
import { TransportUnsupportedError } from '../errors';
import type { PartitionProducer, TransactionsClient } from './transactions';

type Client = Platformatic.Producer<Buffer, Buffer, string, Buffer | string>;
type Member = Platformatic.Consumer<Buffer, Buffer, Buffer, Buffer>;

export interface PlatformaticTransactionsOptions {
  partitioner?: KeyPartitioner;
}

const toBuffer = (v: Buffer | string): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

export function platformaticTransactions(
  connection: KafkaConnectionOptions & { groupId: string },
  options: PlatformaticTransactionsOptions,
): TransactionsClient {
  const base = platformaticBase(connection, `${connection.groupId}-transactions`);
  if (options.partitioner === 'consistent_random') {
    throw new TransportUnsupportedError(
      'platformatic',
      "a transformer's consistent_random partitioner",
      "use the default murmur2 partitioner, or transport: 'kafkajs'",
    );
  }
  const { Producer, ProduceAcks } = platformatic();
  /** A plain client for partition counts. */
  let metadata: ReturnType<typeof platformaticProducer> | undefined;
  return {
    producer(transactionalId): PartitionProducer {
      const client: Client = new Producer<Buffer, Buffer, string, Buffer | string>({
        ...base,
        transactionalId,
        // a new producer of a transactional id asks for it with -1/-1 (KIP-360); the library's
        // default 0/0 is taken by the broker as an old epoch of the id a killed process used: fenced
        producerId: -1n,
        producerEpoch: -1,
        idempotent: true,
        acks: ProduceAcks.ALL,
        serializers: {
          headerKey: (k) => (k === undefined ? undefined : Buffer.from(k, 'utf8')),
          headerValue: (v) => (v === undefined ? undefined : toBuffer(v)),
        },
      });
      return {
        async ready() {
          // beginning a transaction inits the transactional producer id (the fencing); nothing is sent
          const first = await client.beginTransaction();
          await first.cancel();
        },
        async commit(sends, offset) {
          const member = offset.groupMember as Member;
          const transaction = await client.beginTransaction();
          try {
            for (const send of sends) {
              await transaction.send({
                messages: send.records.map((r) => ({
                  topic: send.topic,
                  key: r.key === null ? undefined : toBuffer(r.key),
                  value: r.value ?? undefined,
                  headers: r.headers,
                  ...(r.partition === undefined ? {} : { partition: r.partition }),
                })) as Platformatic.MessageToProduce<Buffer, Buffer, string, Buffer | string>[],
              });
            }
            await transaction.addConsumer(member);
            await transaction.addOffset({
              topic: offset.topic,
              partition: offset.partition,
              // the library commits this + 1
              offset: BigInt(offset.next) - 1n,
              metadata: { consumer: member },
            } as unknown as Platformatic.Message);
            await transaction.commit();
          } catch (error) {
            if (!transaction.completed)
              await transaction.abort().catch(() => transaction.cancel().catch(() => undefined));
            throw error;
          }
        },
        close: () => client.close(),
      };
    },
    async committedOffset(groupMember, topic, partition) {
      const member = groupMember as Member;
      const offsets = await member.listCommittedOffsets({ topics: [{ topic, partitions: [partition] }] });
      const found = offsets.get(topic)?.[partition];
      return found === undefined || found < 0n ? undefined : String(found);
    },
    joinStamp: (groupMember) => (groupMember as Member).generationId,
    partitionCount: (topic) => (metadata ??= platformaticProducer(base)).partitionCount(topic),
    close: async () => {
      const m = metadata;
      metadata = undefined;
      await m?.disconnect();
    },
  };
}
