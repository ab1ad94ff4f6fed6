/**
 * A transformer: a typed consumer whose handlers publish through `out`, with the outputs of each
 * input, its dead letters and its offset written in one Kafka transaction (exactly once for Kafka
 * writes and offsets, whatever crashes). Built on the consumer (src/consumer): the same handler
 * typing, retries, dead-letter decisions, health, logs and supervision; what differs is where the
 * commit goes (./transactions.ts, through the runner's BatchTransactions) and that outputs and dead
 * letters are held until it (./outputs.ts). Readers see them only with `read_committed`, the
 * default isolation of the kit's consumers on both transports.
 */
import type { EventMapOf, EventTypeOf, TopicContract } from '../contract';
import {
  consumerWith,
  type Consumer,
  type ConsumerOptions,
  type DeadLetterSink,
  type MessageContext,
} from '../consumer';
import { deadLetterRecord } from '../consumer/dead-letters';
import { KafkaError, UsageError } from '../errors';
import { resolveKafka } from '../kafka/client';
import { resolveTransport } from '../kafka/transport';
import { createLogger, rateLimited } from '../log';
import { PACKAGE_NAME } from '../package-info';
import { createMessageBuilder, type PublishOptions } from '../producer/messages';
import type { KeyPartitioner } from '../producer/partitioners';
import { resolveRegistry } from '../registry/resolve';
import { createSerde, type AnyTopicContract, type InputOf } from '../serde';
import { producerTelemetry } from '../telemetry';
import { kafkajsTransactions } from './kafkajs';
import { handlerRun, PendingOutputs, recordBytes, type OutputResult, type OutputRoutes } from './outputs';
import { platformaticTransactions } from './platformatic';
import { createTransactions } from './transactions';

export type { OutputResult } from './outputs';

/** The contract a transformer writes to, or several (each output event type in one of them). */
export type OutputContracts = AnyTopicContract | readonly AnyTopicContract[];

type Targets<T> = T extends readonly (infer C)[] ? C : T;
/** An event type of any of the output contracts. */
export type OutputEventType<T> =
  Targets<T> extends infer C ? (C extends AnyTopicContract ? EventTypeOf<C> : never) : never;
/** The payload `out.publish` takes for an output event type. */
export type OutputInput<T, K extends string> =
  Targets<T> extends infer C
    ? C extends AnyTopicContract
      ? K extends EventTypeOf<C>
        ? InputOf<C, K>
        : never
      : never
    : never;

/** What a transformer's handler publishes through: held until its input's transaction commits. */
export interface Outputs<T> {
  /**
   * Validates and encodes the event now (an invalid one rejects, as `publish` does) and writes it
   * in the input's transaction. Await it inside the handler.
   */
  publish<K extends OutputEventType<T>>(
    eventType: K,
    payload: OutputInput<T, K>,
    options?: PublishOptions,
  ): Promise<OutputResult>;
}

export type TransformHandler<E, T> = (event: E, out: Outputs<T>, context: MessageContext) => Promise<void> | void;

/** One entry per event type of the input contract: a handler, or `'ignore'` (a missing one is a compile error). */
export type TransformHandlers<F, T> = { [K in EventTypeOf<F>]: TransformHandler<EventMapOf<F>[K], T> | 'ignore' };

export interface TransformerOptions<F extends AnyTopicContract, T extends OutputContracts> extends Omit<
  ConsumerOptions<F>,
  'contract' | 'handlers' | 'commitEvery'
> {
  /** The contract consumed. */
  from: F;
  /** The contract (or contracts) published to. */
  to: T;
  handlers: TransformHandlers<F, T>;
  /**
   * Inputs per transaction (its outputs, dead letters and offset together); a batch's end always
   * commits. Default 100: fewer transactions, at most that many inputs handled again after a crash.
   */
  inputsPerTransaction?: number;
  /** Transactional ids are `<prefix>.<topic>.<partition>`, one per input partition. Default: the groupId. */
  transactionalIdPrefix?: string;
  /** Longest a transaction may stay open before the broker aborts it (transaction.timeout.ms; kafkajs: platformatic uses its request `timeout`). Default 60 s. */
  transactionTimeoutMs?: number;
  /** Fills the `source` field of outputs that have none; default the clientId, else the package name. */
  source?: string;
  /** How output keys map to partitions (as the producer's `partitioner`). Default murmur2. */
  partitioner?: KeyPartitioner;
  /**
   * The largest record a transaction writes (the output topics' max.message.bytes, 1 MB by
   * default): a larger output fails its handler, a larger dead letter is written truncated.
   */
  maxRecordBytes?: number;
}

export type Transformer<F extends AnyTopicContract> = Consumer<F>;

export function createTransformer<F extends AnyTopicContract, T extends OutputContracts>(
  options: TransformerOptions<F, T>,
): Transformer<F> {
  const { groupId } = options;
  const from = options.from as unknown as TopicContract;
  const targets = (Array.isArray(options.to) ? options.to : [options.to]) as readonly AnyTopicContract[];
  const registry = resolveRegistry(options.registry);
  const source = options.source ?? options.clientId ?? PACKAGE_NAME;
  const maxRecordBytes = options.maxRecordBytes ?? 1_000_000;
  const deadLetterTopic = options.deadLetterTopic ?? from.deadLetterTopic;

  const routes = outputRoutes(targets, registry, source, options.from);
  const pending = new PendingOutputs();
  const log = rateLimited(createLogger('transformer'));

  const transport = resolveTransport(options.transport);
  const transactionTimeoutMs = options.transactionTimeoutMs ?? 60_000;
  const client =
    transport === 'platformatic'
      ? platformaticTransactions(options, { partitioner: options.partitioner })
      : kafkajsTransactions(resolveKafka(options, `${groupId}-transactions`), {
          transactionTimeoutMs,
          partitioner: options.partitioner,
        });
  const transactions = createTransactions({
    groupId,
    deadLetterTopic,
    partitioner: options.partitioner,
    transactionalIdPrefix: options.transactionalIdPrefix ?? groupId,
    client,
    pending,
    log,
    transactionTimeoutMs,
  });

  const deadLetters: DeadLetterSink = {
    topic: deadLetterTopic,
    send(letter, bounded) {
      const record = deadLetterRecord(letter, groupId, bounded);
      if (!bounded && recordBytes(record) > maxRecordBytes) {
        // the same answer the broker would give at commit, now: the dead-letter step writes the bounded record
        return Promise.reject(
          new KafkaError(
            `the dead letter of ${letter.topic}[${letter.partition}]@${letter.message.offset} is larger than ${maxRecordBytes} bytes`,
            deadLetterTopic,
            {
              cause: { type: 'MESSAGE_TOO_LARGE' },
            },
          ),
        );
      }
      pending.add(letter.partition, [{ topic: deadLetterTopic, record, eventType: letter.eventType }]);
      return Promise.resolve();
    },
  };

  const handlers: Record<string, unknown> = {};
  for (const [eventType, handler] of Object.entries(options.handlers as Record<string, unknown>)) {
    handlers[eventType] =
      typeof handler === 'function'
        ? transactional(handler as TransformHandler<unknown, T>, routes, pending, maxRecordBytes)
        : handler;
  }

  return consumerWith(
    {
      ...(options as unknown as ConsumerOptions<F>),
      contract: options.from,
      handlers: handlers as ConsumerOptions<F>['handlers'],
      commitEvery: Math.max(1, options.inputsPerTransaction ?? 100),
      // each partition has its own producer and transaction: committing them side by side, not one
      // after another, keeps a decision's latency to about one transaction's round trips
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 8,
      deadLetterTopic,
    },
    { deadLetters, transactions, closed: () => transactions.close() },
  );
}

/** Each output event type → its topic's message builder; an event type in two output contracts is a UsageError. */
function outputRoutes(
  targets: readonly AnyTopicContract[],
  registry: ReturnType<typeof resolveRegistry>,
  source: string,
  input: AnyTopicContract,
): OutputRoutes {
  const routes = new Map<string, OutputRoutes extends ReadonlyMap<string, infer R> ? R : never>();
  for (const target of targets) {
    const contract = target as unknown as TopicContract;
    // the input's own serde when writing back to its topic: one schema-ID cache
    const serde = createSerde(target === input ? input : target, registry);
    const route = {
      topic: contract.topic,
      messages: createMessageBuilder(serde, source),
      telemetry: producerTelemetry(contract.topic),
    };
    for (const eventType of Object.keys(contract.events)) {
      const taken = routes.get(eventType);
      if (taken) {
        throw new UsageError(
          `the output event type ${eventType} is in two output contracts (${taken.topic} and ${contract.topic})`,
          `give \`to\` one of them; publish to the other from a second transformer`,
        );
      }
      routes.set(eventType, route);
    }
  }
  return routes;
}

/** A transformer's handler as the consumer's: its outputs held per run and kept only when the run ends well. */
function transactional<T>(
  handler: TransformHandler<unknown, T>,
  routes: OutputRoutes,
  pending: PendingOutputs,
  maxRecordBytes: number,
) {
  return (event: unknown, context: MessageContext): void | Promise<void> => {
    const run = handlerRun(routes, pending, context, maxRecordBytes);
    let result;
    try {
      result = handler(event, run.out as unknown as Outputs<T>, context);
    } catch (error) {
      run.discard(error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        () => run.settle(),
        (error: unknown) => {
          run.discard(error);
          throw error;
        },
      );
    }
    return run.settle();
  };
}
