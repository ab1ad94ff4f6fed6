/**
 * The seam between the kit and a Kafka client library: which client a producer or consumer runs
 * on (`transport`: kafkajs, the default, or @platformatic/kafka), and the small kit-owned shapes
 * the producer, the consumer's runner and its supervisor need of one — a record going out, a
 * record that came in, an idempotent acks=all producer, a group member. Each client's adapter
 * converts to these (src/consumer/kafkajs.ts, src/consumer/platformatic.ts, ./platformatic.ts),
 * so nothing above them imports a client's types.
 */
import { UnknownTransportError } from '../errors';

export type TransportName = 'kafkajs' | 'platformatic';

export const TRANSPORTS: readonly TransportName[] = ['kafkajs', 'platformatic'];

export const TRANSPORT_ENV = {
  /** `kafkajs` (default) or `platformatic`: the client of every producer and consumer without a `transport` option. */
  TRANSPORT: 'CONTRACTS_TRANSPORT',
} as const;

/** The transport a client runs on: its option, else CONTRACTS_TRANSPORT, else kafkajs; anything else is an UnknownTransportError. */
export function resolveTransport(option: string | undefined, env: NodeJS.ProcessEnv = process.env): TransportName {
  if (option !== undefined) return known(option, 'option');
  const fromEnv = env[TRANSPORT_ENV.TRANSPORT]?.trim();
  return fromEnv ? known(fromEnv, 'env') : 'kafkajs';
}

function known(value: string, source: 'option' | 'env'): TransportName {
  if ((TRANSPORTS as readonly string[]).includes(value)) return value as TransportName;
  throw new UnknownTransportError(value, source, TRANSPORTS);
}

/** Header values as the kit reads and writes them (a repeated header keeps its last value). */
export type RecordHeaders = Record<string, Buffer | string>;

/** A record as a transport hands it to the consumer's pipeline. */
export interface ConsumedRecord {
  /** The offset, as a decimal string (offsets pass 2^53). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  /** Kafka timestamp (ms since the epoch, as a string). */
  timestamp: string;
}

/** A record to send; `partition` fixed by the sender, or left to the producer's partitioner. */
export interface OutgoingRecord {
  key: string | Buffer | null;
  value: Buffer | null;
  headers?: RecordHeaders;
  partition?: number;
}

/** What the broker acknowledged: a partition and the offset of its first record of the send. */
export interface RecordAck {
  partition: number;
  baseOffset?: string;
}

/** An idempotent producer with acks=all and order kept per partition: what a transport gives the kit. */
export interface RecordProducer {
  connect(): Promise<void>;
  /** Resolves once every record is acknowledged by all in-sync replicas; rejects with the client's error. */
  send(topic: string, records: OutgoingRecord[]): Promise<RecordAck[]>;
  disconnect(): Promise<void>;
}

/** The group events the consumer's supervisor listens to. */
export interface MemberEvents {
  /** Joined (or rejoined) the group with this assignment (topic → partitions). */
  joined: (assignment: Record<string, number[]>) => void;
  /** The coordinator accepted a heartbeat. */
  heartbeat: () => void;
  /** The member crashed; with `restart` the client rejoins by itself, without it the member is done. */
  crashed: (error: unknown, restart: boolean) => void;
}

/** One consumer-group member of a transport, feeding the consumer's runner batch by batch. */
export interface GroupMember {
  /** Connects, subscribes, joins and starts fetching; rejects when it cannot start. */
  run(): Promise<void>;
  /** Leaves the group and disconnects, after the batch in progress. */
  disconnect(): Promise<void>;
  /** Listens to a group event; returns the function that stops listening. */
  on<E extends keyof MemberEvents>(event: E, listener: MemberEvents[E]): () => void;
}
