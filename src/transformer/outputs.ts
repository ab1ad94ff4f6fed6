/**
 * What a transformer's handlers publish, held until their input's transaction commits: each run
 * of a handler collects its outputs apart; only a run that ends well (not failed, not timed out,
 * not abandoned) adds them to its input partition's pending list, so a retried handler's earlier
 * outputs are never written. Dead letters join the same list (./index.ts), so a partition's
 * outputs, its dead letters and its offset are one transaction (./transactions.ts).
 */
import { KafkaError, UsageError } from '../errors';
import type { OutgoingRecord } from '../kafka/transport';
import type { MessageContext } from '../consumer';
import type { MessageBuilder, PreparedRecord, PublishOptions } from '../producer/messages';
import type { PublishSpan } from '../telemetry';

/** A record waiting for its input's transaction. */
export interface PendingRecord {
  topic: string;
  record: OutgoingRecord;
  eventType: string | undefined;
  /** The output's publish span, ended when its transaction commits or aborts. */
  span?: PublishSpan;
}

export interface OutputResult {
  topic: string;
  eventId: string | undefined;
  schemaId: number;
}

/** The records of each input partition since its last commit. */
export class PendingOutputs {
  private readonly byPartition = new Map<number, PendingRecord[]>();

  add(partition: number, records: PendingRecord[]): void {
    if (records.length === 0) return;
    const list = this.byPartition.get(partition);
    if (list) list.push(...records);
    else this.byPartition.set(partition, records.slice());
  }

  /** Takes the partition's records (the transaction writes them or aborts them). */
  take(partition: number): PendingRecord[] {
    const list = this.byPartition.get(partition) ?? [];
    this.byPartition.delete(partition);
    return list;
  }

  /** Drops what a partition buffered (a batch that did not commit: its messages come again). */
  drop(partition: number): void {
    this.byPartition.delete(partition);
  }
}

/** Where an output event type goes: its topic's message builder. */
export type OutputRoutes = ReadonlyMap<
  string,
  {
    topic: string;
    messages: MessageBuilder;
    telemetry: { publish(eventType: string, key: string | null, schemaId: number): PublishSpan };
  }
>;

type Route = OutputRoutes extends ReadonlyMap<string, infer R> ? R : never;

/**
 * One run of a handler: its `out.publish` builds each record now (validated as `publish` would:
 * an invalid event fails the handler, nothing is buffered) and keeps it; `settle()` adds them to
 * the pending list once the run ended well, and refuses publishes after it.
 */
export function handlerRun(
  routes: OutputRoutes,
  pending: PendingOutputs,
  context: MessageContext,
  maxRecordBytes: number,
) {
  const records: PendingRecord[] = [];
  const building: Promise<unknown>[] = [];
  let settled = false;

  const keep = (route: Route, eventType: string, prepared: PreparedRecord): OutputResult => {
    const { message, schemaId } = prepared;
    const bytes = recordBytes(message);
    if (bytes > maxRecordBytes) {
      throw new KafkaError(
        `the output ${eventType} of ${context.topic}[${context.partition}]@${context.offset} is about ${bytes} bytes, more than maxRecordBytes (${maxRecordBytes})`,
        route.topic,
        {
          hint: `make the event smaller, or raise max.message.bytes of ${route.topic} and the transformer's maxRecordBytes`,
        },
      );
    }
    // started in the handler's context: the output's span is a child of its input's process span
    const span = route.telemetry.publish(eventType, message.key as string | null, schemaId);
    span.inject(message.headers);
    records.push({ topic: route.topic, record: message, eventType, span });
    return { topic: route.topic, eventId: prepared.eventId, schemaId };
  };

  const publish = (eventType: string, payload: unknown, options?: PublishOptions): Promise<OutputResult> => {
    if (settled) {
      return Promise.reject(
        new UsageError(
          `${eventType} was published after the handler of ${context.topic}[${context.partition}]@${context.offset} returned`,
          'await every out.publish(...) inside the handler: an output is written in its input message’s transaction',
        ),
      );
    }
    const route = routes.get(eventType);
    if (!route) {
      return Promise.reject(
        new UsageError(
          `${eventType} is not an event of the transformer's output contracts (${[...routes.keys()].join(', ')})`,
          'publish an event type of the `to` contracts, or add its contract to `to`',
        ),
      );
    }
    try {
      const prepared = route.messages.build(eventType, payload, options);
      if (!(prepared instanceof Promise)) return Promise.resolve(keep(route, eventType, prepared));
      // kept (and the size check made) when the first encode of its type has asked the registry
      const kept = prepared.then((p) => keep(route, eventType, p));
      building.push(kept);
      return kept;
    } catch (error) {
      return Promise.reject(error);
    }
  };

  return {
    out: { publish },
    /** The run ended well: its outputs join the partition's pending list (unless its signal was aborted meanwhile). */
    settle(): void | Promise<void> {
      const add = () => {
        settled = true;
        if (!context.signal.aborted) pending.add(context.partition, records);
        else for (const r of records) r.span?.end({ error: context.signal.reason });
      };
      if (building.length === 0) return add();
      // an output whose first encode asked the registry: wait for it to be kept (one that failed
      // rejected its own publish, which the handler awaited, or saw as an unhandled rejection)
      return Promise.allSettled(building).then(add);
    },
    /** The run failed: what it published is dropped. */
    discard(error: unknown): void {
      settled = true;
      for (const r of records) r.span?.end({ error });
    },
  };
}

/** About what a record takes in a record batch (key, value, headers), strings in UTF-8 bytes. */
export function recordBytes(record: OutgoingRecord): number {
  const size = (v: string | Buffer | null | undefined) =>
    v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length;
  let bytes = 70 + size(record.key) + size(record.value);
  for (const [name, value] of Object.entries(record.headers ?? {})) bytes += size(name) + size(value) + 4;
  return bytes;
}
