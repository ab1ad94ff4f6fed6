/**
 * The batch loop under the pipeline, after kafkajs's own runner: hands each message of a fetched
 * batch to the pipeline and acts on its outcome — notes the progress and commits what was handled
 * (every `commitEvery` messages and at the end of the batch), pauses the partition and seeks back
 * to the message for an environment failure (resumed after the pipeline's delay), or stops the
 * consumer. What it needs of a client is `BatchControl`, one batch's handle (./kafkajs.ts makes one
 * of a kafkajs batch, ./platformatic.ts of what a @platformatic/kafka stream delivered).
 */
import type { ConsumedRecord } from '../kafka/transport';
import { TransactionAbortedError, TransactionFencedError, type ConsumerStoppedError } from '../errors';
import type { ConsumerLog } from './log';
import type { MessagePipeline } from './pipeline';
import type { Progressed } from './supervisor';

/** One fetched batch of one partition, and what the runner may do with it. */
export interface BatchControl {
  topic: string;
  partition: number;
  messages: ConsumedRecord[];
  /** The first message's offset, and the partition's end when fetched. */
  firstOffset: string;
  highWatermark: string;
  /** The batch's last offset, transaction markers and aborted records included (they have no message). */
  lastOffset: string;
  heartbeat(): Promise<void>;
  /** False once the client is stopping or rebalancing away from this partition. */
  isRunning(): boolean;
  /** True when the partition was seeked since the batch was fetched: its messages are outdated. */
  isStale(): boolean;
  /**
   * True when the group began a rebalance the client does not stop a batch for (@platformatic/kafka's
   * heartbeats run on their own): the batch commits what it handled and goes back to its next message.
   */
  rebalancing?(): boolean;
  /**
   * The messages up to `offset` are handled: commits `offset` + 1 (and tells a client that tracks
   * its own position so, as kafkajs's resolveOffset does, before it commits).
   */
  commit(offset: string): Promise<void>;
  /**
   * The messages up to `offset` are handled and their offset committed elsewhere (in a
   * transformer's transaction): tells the client its position, commits nothing.
   */
  resolve(offset: string): void;
  /** What a transaction's offset commit needs of the group member the batch came from (the transport's own). */
  readonly groupMember: unknown;
  /** Fetch from `offset` next. */
  seek(offset: string): void;
  /** Pauses the partition; returns the function that resumes it. */
  pause(): () => void;
}

/**
 * A transformer's transactions (src/transformer): asked before each batch, and the commit instead
 * of the group's offset commit, so a partition's outputs and its offset are written together.
 */
export interface BatchTransactions {
  /**
   * Before a batch of a partition: drops what earlier batches left uncommitted, makes sure the
   * partition's producer fenced every older one, and returns the group's committed offset when it
   * is past the batch's first (another instance committed it meanwhile): fetch from there instead.
   */
  begin(batch: BatchControl): Promise<string | undefined>;
  /** Writes the outputs of the messages up to `offset` and commits `offset` + 1, in one transaction. */
  commit(batch: BatchControl, offset: string): Promise<void>;
}

/**
 * How often, at most, the runner asks the client for a heartbeat between messages (kafkajs sends
 * one only when its heartbeatInterval has passed). Without it a batch that took longer than the
 * session timeout got its member dropped from the group, the batch was never committed, and the
 * next owner read it again, and again: a partition stuck for good while its lag grew.
 */
const HEARTBEAT_EVERY_MS = 1_000;

/** The pause before a partition's inputs are read again after a failed transaction; undefined for another error. */
function transactionRetryMs(error: unknown): number | undefined {
  if (error instanceof TransactionFencedError) return 5_000;
  if (error instanceof TransactionAbortedError && error.retriable) return 500;
  return undefined;
}

export interface RunnerOptions {
  pipeline: MessagePipeline;
  /** Set for a transformer: commits go through its transactions. */
  transactions?: BatchTransactions;
  /** Commit within a batch after this many handled messages; Infinity for the end of the batch only. */
  commitEvery: number;
  running(): boolean;
  /** Notes a fetch for the health snapshot; returns the per-message progress callback. */
  fetched(topic: string, partition: number, firstOffset: string, highWatermark: string): Progressed;
  /** Starts a timer the consumer clears when it stops. */
  later(ms: number, run: () => void): void;
  /** Stops the consumer (not from inside the batch: stop() waits for it). */
  halt(error: ConsumerStoppedError): void;
  log: Pick<ConsumerLog, 'markersNotCommitted'>;
}

export interface Runner {
  /** Handles one fetched batch; resolves once its handled messages are committed. */
  eachBatch(batch: BatchControl): Promise<void>;
  /**
   * A fetch that held only transaction markers (or aborted records), which kafkajs skips without
   * a batch: the group moves past them, as the Java consumer's position does, so a partition whose
   * last records are a transaction's marker shows no lag of 1 and is never taken for stalled.
   * Never rejects: a commit that fails is logged.
   */
  passedMarkers(
    topic: string,
    partition: number,
    lastOffset: string,
    highWatermark: string,
    commit: (offset: string) => Promise<void>,
  ): Promise<void>;
  /** Forgets what this runner committed: a new start reads from the group's offsets, whatever they became meanwhile (an offsets reset). */
  reset(): void;
}

export function createRunner(options: RunnerOptions): Runner {
  const { pipeline, commitEvery, transactions } = options;
  /** The offset committed last per partition: a marker-only commit never moves a partition back. */
  const committed = new Map<number, bigint>();
  const noteCommitted = (partition: number, offset: string) => {
    const next = BigInt(offset);
    if ((committed.get(partition) ?? -1n) < next) committed.set(partition, next);
  };
  const commit = transactions
    ? async (batch: BatchControl, offset: string) => {
        await transactions.commit(batch, offset);
        batch.resolve(offset);
        noteCommitted(batch.partition, offset);
      }
    : async (batch: BatchControl, offset: string) => {
        await batch.commit(offset);
        noteCommitted(batch.partition, offset);
      };
  /**
   * A transaction that failed wrote nothing: its inputs are read again after a pause, without
   * leaving the group. A fenced one (another member took the partition over, or two briefly own it
   * during a rebalance) waits longer, for the group to settle: crashing the member instead made
   * every member of a rebalancing group rejoin, which rebalanced it again.
   */
  const rewind = (batch: BatchControl, offset: string, retryInMs: number, error: unknown) => {
    batch.seek(offset);
    const resume = batch.pause();
    pipeline.setBack({ topic: batch.topic, partition: batch.partition, offset }, error, retryInMs);
    if (options.running()) options.later(retryInMs, resume);
  };
  /**
   * A transaction failed at `offset`: rewind and pause when trying again may help; stop the
   * consumer, logged, when the brokers refuse it for good (a setting, an ACL); rethrow a bug.
   */
  const failedTransaction = (batch: BatchControl, offset: string, error: unknown) => {
    const retryInMs = transactionRetryMs(error);
    if (retryInMs !== undefined) return rewind(batch, offset, retryInMs, error);
    if (!(error instanceof TransactionAbortedError)) throw error;
    batch.pause();
    const stopped = pipeline.stopping({ topic: batch.topic, partition: batch.partition, offset }, error);
    // not from inside the batch: stop() waits for it
    setImmediate(() => options.halt(stopped));
  };
  return {
    reset: () => committed.clear(),
    async passedMarkers(topic, partition, lastOffset, highWatermark, commitMarkers) {
      if (!options.running() || (committed.get(partition) ?? -1n) >= BigInt(lastOffset)) return;
      try {
        options.fetched(topic, partition, lastOffset, highWatermark)(lastOffset, Date.now());
        await commitMarkers(lastOffset);
        noteCommitted(partition, lastOffset);
      } catch (error) {
        // cut short by a rebalance, most often: the next owner starts before the markers, which
        // costs nothing but a lag of 1 until the partition's next record
        options.log.markersNotCommitted(topic, partition, lastOffset, error);
      }
    },
    async eachBatch(batch) {
      const { topic, partition, heartbeat } = batch;
      if (batch.messages.length === 0) return;
      /**
       * A transformer's next input: a message before it was committed already (by another instance,
       * or by this one before its client went back, as @platformatic/kafka's stream does when it
       * rejoins during a batch — its records can even come out of order within one batch).
       */
      let next: bigint | undefined;
      const own = transactions ? undefined : committed.get(partition);
      if (own !== undefined && BigInt(batch.firstOffset) <= own) {
        // a message this runner handled and committed, delivered again: @platformatic/kafka's
        // stream goes back to the offsets it read at a rejoin, which an in-flight batch's commit
        // may have passed since. Handling it again is a duplicate nothing asked for.
        next = own + 1n;
        const last = batch.messages[batch.messages.length - 1]!.offset;
        if (next > BigInt(last)) return batch.resolve(last);
      }
      if (transactions) {
        let from: string | undefined;
        try {
          from = await transactions.begin(batch);
        } catch (error) {
          failedTransaction(batch, batch.firstOffset, error);
          return;
        }
        next = BigInt(from ?? batch.firstOffset);
        if (next > BigInt(batch.messages[batch.messages.length - 1]!.offset)) {
          batch.seek(from!);
          return;
        }
      }
      const progressed = options.fetched(topic, partition, batch.firstOffset, batch.highWatermark);
      let handled: string | undefined;
      let sinceCommit = 0;
      let whole = true;
      /** The first message not committed yet: where a failed transaction's inputs are read again from. */
      let uncommitted = next === undefined ? batch.messages[0]!.offset : next.toString();
      /** Commits; a transaction that failed and may be retried rewinds the partition instead (false). */
      const committedUpTo = async (offset: string): Promise<boolean> => {
        try {
          await commit(batch, offset);
        } catch (error) {
          failedTransaction(batch, uncommitted, error);
          return false;
        }
        uncommitted = (BigInt(offset) + 1n).toString();
        return true;
      };
      let beatAt = Date.now();
      /** The client's heartbeat failed (the group is rebalancing): what was handled is committed, then this is thrown. */
      let interrupted: unknown;
      for (const message of batch.messages) {
        if (next !== undefined) {
          const offset = BigInt(message.offset);
          if (offset < next) continue;
          next = offset + 1n;
        }
        whole = false;
        if (!options.running() || !batch.isRunning() || batch.isStale()) break;
        if (batch.rebalancing?.()) {
          batch.seek(message.offset);
          break;
        }
        // span: set by the pipeline; listed here so every message object has the same shape
        let outcome = pipeline.handle({ topic, partition, message, heartbeat, span: undefined });
        if (outcome instanceof Promise) outcome = await outcome;
        if (outcome === 'abandon') break;
        if (outcome !== 'done') {
          if ('stop' in outcome) {
            // stop without committing this message; stop() waits for this batch, so not from inside it
            batch.pause();
            const { stop } = outcome;
            setImmediate(() => options.halt(stop));
            break;
          }
          // fetch this message again after a pause; what was handled before it is committed below
          batch.seek(message.offset);
          const resume = batch.pause();
          // stop() may have begun while this message was tried: no timer may outlive the consumer
          if (options.running()) options.later(outcome.retryInMs, resume);
          break;
        }
        // one clock read per message, for the progress and the heartbeat
        const now = Date.now();
        progressed(message.offset, now);
        // the client only hears of the last handled message, at each commit and when the loop
        // ends (for kafkajs, each resolveOffset costs Long arithmetic)
        handled = message.offset;
        if (++sinceCommit >= commitEvery) {
          if (!(await committedUpTo(handled))) return;
          sinceCommit = 0;
        }
        whole = true;
        if (now - beatAt >= HEARTBEAT_EVERY_MS) {
          beatAt = now;
          try {
            await heartbeat();
          } catch (error) {
            interrupted = error;
            whole = false;
            break;
          }
        }
      }
      if (interrupted !== undefined) {
        // a member of the generation may still commit while the group prepares its rebalance
        if (handled !== undefined && sinceCommit > 0) await committedUpTo(handled).catch(() => undefined);
        throw interrupted;
      }
      // a batch handled to its end is committed past its markers too (as the Java consumer commits
      // its position), so a partition that ends in a transaction marker shows no lag of 1
      if (whole && handled !== undefined && BigInt(batch.lastOffset) > BigInt(handled)) {
        handled = batch.lastOffset;
        progressed(handled, Date.now());
        sinceCommit += 1;
      }
      if (handled !== undefined && sinceCommit > 0) {
        await committedUpTo(handled);
      }
    },
  };
}
