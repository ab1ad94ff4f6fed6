/**
 * Reads a dead-letter topic to its end, with each record's dead-letter headers and whether it has
 * been replayed for its group: what `contracts dlq list|show` print and what replay works from.
 */
import type { IHeaders, Kafka } from 'kafkajs';
import { readTopicToEnd } from '../kafka/read';
import { coordinatesOf, readDeadLetterHeaders, type DeadLetterInfo } from './headers';

export interface DeadLetterEntry {
  /** Where the record is in the dead-letter topic. */
  partition: number;
  offset: string;
  /** Kafka timestamp of the dead-letter record, ms. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  /** Undefined for a record without the dead-letter headers (not written by the kit). */
  info: DeadLetterInfo | undefined;
  /** A replay has already delivered this message to its group (see the replay ledger). */
  replayed: boolean;
}

/** Where a dead-letter record is and its key, as the CLI and the UI print them (time in ISO 8601). */
export function entryPosition(entry: DeadLetterEntry) {
  return {
    partition: entry.partition,
    offset: entry.offset,
    timestamp: new Date(Number(entry.timestamp)).toISOString(),
    key: entry.key ? entry.key.toString('utf8') : null,
  };
}

/** The topic where replay records what it replayed, per group and original coordinates (compacted). */
export function replayLedgerTopic(deadLetterTopic: string): string {
  return `${deadLetterTopic}.replayed`;
}

/** The ledger key of a dead letter: its group and the coordinates it was consumed at. */
export function replayKey(info: DeadLetterInfo): string {
  return JSON.stringify([info.consumerGroup, coordinatesOf(info)]);
}

/** The keys the ledger holds. A missing ledger means nothing was replayed yet. */
export async function readReplayLedger(
  kafka: Kafka,
  deadLetterTopic: string,
  timeoutMs?: number,
): Promise<Set<string>> {
  const done = new Set<string>();
  await readTopicToEnd(
    kafka,
    replayLedgerTopic(deadLetterTopic),
    (_partition, message) => {
      if (message.key) done.add(message.key.toString('utf8'));
    },
    { missingOk: true, timeoutMs, groupPrefix: 'contracts-dlq-ledger' },
  );
  return done;
}

export async function readDeadLetters(
  kafka: Kafka,
  deadLetterTopic: string,
  timeoutMs?: number,
): Promise<DeadLetterEntry[]> {
  const ledger = await readReplayLedger(kafka, deadLetterTopic, timeoutMs);
  const entries: DeadLetterEntry[] = [];
  await readTopicToEnd(
    kafka,
    deadLetterTopic,
    (partition, message) => {
      const info = readDeadLetterHeaders(message.headers);
      entries.push({
        partition,
        offset: message.offset,
        timestamp: message.timestamp,
        key: message.key,
        value: message.value,
        headers: message.headers ?? {},
        info,
        replayed: info !== undefined && ledger.has(replayKey(info)),
      });
    },
    { timeoutMs, groupPrefix: 'contracts-dlq-read' },
  );
  entries.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return entries;
}
