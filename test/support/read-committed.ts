/**
 * Reads a whole topic as a `read_committed` reader sees it (what an exactly-once audit counts):
 * every committed record, none of an aborted or open transaction, until each partition reached its
 * last stable offset — the position after the last record a committed transaction ended.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { decodeFrame } from '../../src/wire';

export interface CommittedRecord {
  partition: number;
  offset: string;
  key: string | null;
  eventType: string | undefined;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** All committed records of `topic`, waiting until none came for `quietMs` after the partitions' ends were reached. */
export async function readCommitted(brokers: string[], topic: string, quietMs = 1_500): Promise<CommittedRecord[]> {
  const kafka = new Kafka({ clientId: 'read-committed', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `audit-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 200 });
  const records: CommittedRecord[] = [];
  let last = Date.now();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const reached = new Map<number, boolean>(ends.map((e) => [e.partition, BigInt(e.high) === 0n]));
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = String(v);
          records.push({
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString('utf8') ?? null,
            eventType: headers['event-type'],
            value: m.value,
            headers,
          });
        }
        // the batch's last offset passes the transaction markers: the partition's end when it is read to it
        const end = ends.find((e) => e.partition === batch.partition)!;
        if (BigInt(batch.lastOffset()) + 1n >= BigInt(end.high)) reached.set(batch.partition, true);
        last = Date.now();
      },
    });
    const deadline = Date.now() + 60_000;
    while (![...reached.values()].every(Boolean) || Date.now() - last < quietMs) {
      if (Date.now() > deadline) {
        throw new Error(`reading ${topic}: partitions not read to their end in 60 s (${JSON.stringify([...reached])})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return records;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** The schema ID a record was framed with, for audits that decode nothing. */
export function schemaIdOf(record: CommittedRecord): number | undefined {
  return record.value ? decodeFrame(record.value).schemaId : undefined;
}
