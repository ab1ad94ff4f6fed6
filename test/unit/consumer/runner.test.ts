/**
 * The batch loop with a transformer's transactions, without Kafka: a batch is committed through
 * the transactions, and the client told its position; a transaction that failed (aborted or
 * fenced) rewinds the partition to its first uncommitted message and pauses it instead of failing
 * the batch; another error still fails it; a fetch of only transaction markers moves the group past
 * them, never back, and a failed commit of theirs is logged. Without transactions: a message its
 * own commit covers, delivered again, is skipped; a rebalance mid-batch commits and goes back.
 */
import type { ConsumedRecord } from '../../../src/kafka/transport';
import { createRunner, type BatchControl, type BatchTransactions } from '../../../src/consumer/runner';
import type { MessagePipeline } from '../../../src/consumer/pipeline';
import { ConsumerStoppedError, TransactionAbortedError, TransactionFencedError } from '../../../src/errors';

const record = (offset: number): ConsumedRecord => ({
  offset: String(offset),
  key: null,
  value: Buffer.from('x'),
  headers: {},
  timestamp: '0',
});

function batch(offsets: number[]) {
  const calls: string[] = [];
  const control: BatchControl = {
    topic: 'bookings',
    partition: 0,
    messages: offsets.map(record),
    firstOffset: String(offsets[0]),
    highWatermark: String(offsets[offsets.length - 1]! + 1),
    lastOffset: String(offsets[offsets.length - 1]),
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
    commit: async (offset) => void calls.push(`commit ${offset}`),
    resolve: (offset) => void calls.push(`resolve ${offset}`),
    groupMember: {},
    seek: (offset) => void calls.push(`seek ${offset}`),
    pause: () => {
      calls.push('pause');
      return () => calls.push('resume');
    },
  };
  return { control, calls };
}

/** What the runner told the pipeline and the log, besides handling. */
const told: string[] = [];
beforeEach(() => (told.length = 0));

const handledAll: MessagePipeline = {
  handle: () => 'done',
  abandonInFlight: () => undefined,
  snapshot: () => ({ paused: [], handling: [] }),
  stopping: (at, error) => {
    told.push(`stopping ${at.partition}@${at.offset} ${(error as TransactionAbortedError).code}`);
    return new ConsumerStoppedError('billing', at.topic, at.partition, at.offset, error);
  },
  setBack: (at, error, retryInMs) =>
    void told.push(`set back ${at.partition}@${at.offset} ${(error as TransactionAbortedError).code} ${retryInMs}`),
};

function runner(transactions: BatchTransactions, later: number[] = [], halted: ConsumerStoppedError[] = []) {
  return createRunner({
    pipeline: handledAll,
    transactions,
    commitEvery: 2,
    running: () => true,
    fetched: () => () => undefined,
    later: (ms) => void later.push(ms),
    halt: (error) => void halted.push(error),
    log: {
      markersNotCommitted: (topic, partition, offset, error) =>
        void told.push(`markers ${topic}[${partition}] ${offset}: ${(error as Error).message}`),
    },
  });
}

/** A consumer's runner: no transactions, a commit at the end of each batch. */
const plain = (pipeline: MessagePipeline) =>
  createRunner({
    pipeline,
    commitEvery: Number.POSITIVE_INFINITY,
    running: () => true,
    fetched: () => () => undefined,
    later: () => undefined,
    halt: () => undefined,
    log: { markersNotCommitted: () => undefined },
  });

const position = { topic: 'bookings', partition: 0, offset: '11' };

describe('the runner with transactions', () => {
  it('commits through the transactions every commitEvery messages, then tells the client its position', async () => {
    const committed: string[] = [];
    const { control, calls } = batch([10, 11, 12]);
    await runner({ begin: async () => undefined, commit: async (_b, offset) => void committed.push(offset) }).eachBatch(
      control,
    );
    expect(committed).toEqual(['11', '12']);
    expect(calls).toEqual(['resolve 11', 'resolve 12']);
  });

  it('rewinds to the first uncommitted message and pauses on a failed transaction, 5 s when fenced', async () => {
    for (const [error, wait] of [
      [new TransactionAbortedError('billing', 'billing.bookings.0', position, new Error('timeout')), 500],
      [new TransactionFencedError('billing', 'billing.bookings.0', position, new Error('PRODUCER_FENCED')), 5_000],
    ] as const) {
      const later: number[] = [];
      const { control, calls } = batch([10, 11, 12, 13]);
      let n = 0;
      await runner(
        {
          begin: async () => undefined,
          commit: async () => {
            if (++n === 2) throw error;
          },
        },
        later,
      ).eachBatch(control);
      // 10–11 committed; the transaction of 12–13 failed: read again from 12, paused in health()
      expect(calls).toEqual(['resolve 11', 'seek 12', 'pause']);
      expect(later).toEqual([wait]);
      expect(told.splice(0)).toEqual([`set back 0@12 ${error.code} ${wait}`]);
    }
  });

  it('stops the consumer, paused and logged, on a transaction the brokers refuse for good', async () => {
    const { control, calls } = batch([10, 11]);
    const halted: ConsumerStoppedError[] = [];
    const refused = new TransactionAbortedError(
      'billing',
      'billing.bookings.0',
      position,
      new Error('INVALID_TRANSACTION_TIMEOUT'),
      false,
      'lower transactionTimeoutMs',
    );
    await runner(
      {
        begin: async () => {
          throw refused;
        },
        commit: async () => undefined,
      },
      [],
      halted,
    ).eachBatch(control);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['pause']);
    expect(told).toEqual(['stopping 0@10 TRANSACTION_ABORTED']);
    expect(halted).toHaveLength(1);
    expect(halted[0]).toMatchObject({
      code: 'CONSUMER_STOPPED',
      causeCode: 'TRANSACTION_ABORTED',
      hint: 'lower transactionTimeoutMs',
    });
  });

  it('fails the batch on any other error of a commit', async () => {
    const { control } = batch([10, 11]);
    await expect(
      runner({
        begin: async () => undefined,
        commit: async () => {
          throw new TypeError('a bug');
        },
      }).eachBatch(control),
    ).rejects.toThrow('a bug');
  });

  it('skips a batch fetched before another instance’s commit: fetches from there', async () => {
    const committed: string[] = [];
    const { control, calls } = batch([10, 11]);
    await runner({ begin: async () => '20', commit: async (_b, o) => void committed.push(o) }).eachBatch(control);
    expect(calls).toEqual(['seek 20']);
    expect(committed).toEqual([]);
  });

  it('handles only the messages past what was committed: a batch’s stale start, and records that came again out of order', async () => {
    const seen: string[] = [];
    const pipeline: MessagePipeline = {
      ...handledAll,
      handle: (consumed) => {
        seen.push(consumed.message.offset);
        return 'done';
      },
    };
    const make = (from: string | undefined) =>
      createRunner({
        pipeline,
        transactions: { begin: async () => from, commit: async () => undefined },
        commitEvery: 100,
        running: () => true,
        fetched: () => () => undefined,
        later: () => undefined,
        halt: () => undefined,
        log: { markersNotCommitted: () => undefined },
      });
    const stale = batch([10, 11, 12, 13]);
    await make('12').eachBatch(stale.control);
    expect(seen.splice(0)).toEqual(['12', '13']);
    expect(stale.calls).toEqual(['resolve 13']);
    // the client went back to an older position during the batch: 10–12, then 0–13 again
    const again = batch([10, 11, 12, 0, 1, 2, 10, 11, 12, 13]);
    await make(undefined).eachBatch(again.control);
    expect(seen).toEqual(['10', '11', '12', '13']);
  });

  it('asks for a heartbeat between messages once a second of handling has passed', async () => {
    const { control } = batch([10, 11, 12, 13, 14]);
    let beats = 0;
    control.heartbeat = async () => void (beats += 1);
    let now = 0;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => (now += 600));
    try {
      await runner({ begin: async () => undefined, commit: async () => undefined }).eachBatch(control);
    } finally {
      clock.mockRestore();
    }
    expect(beats).toBeGreaterThanOrEqual(2);
  });

  it('commits what was handled and rethrows when a heartbeat says the group is rebalancing', async () => {
    const committed: string[] = [];
    const { control } = batch([10, 11, 12, 13, 14]);
    control.heartbeat = async () => {
      throw new Error('REBALANCE_IN_PROGRESS');
    };
    let now = 0;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => (now += 700));
    try {
      await expect(
        plain(handledAll).eachBatch({ ...control, commit: async (offset) => void committed.push(offset) }),
      ).rejects.toThrow('REBALANCE_IN_PROGRESS');
    } finally {
      clock.mockRestore();
    }
    // 10 and 11 handled, then the first heartbeat (1.4 s in) failed: 11 committed, 12–14 left for the next owner
    expect(committed).toEqual(['11']);
  });

  it('moves the group past a fetch of only markers, never back', async () => {
    const r = runner({ begin: async () => undefined, commit: async () => undefined });
    const commits: string[] = [];
    await r.eachBatch(batch([10, 11]).control);
    await r.passedMarkers('bookings', 0, '9', '12', async (o) => void commits.push(o));
    await r.passedMarkers('bookings', 0, '12', '13', async (o) => void commits.push(o));
    expect(commits).toEqual(['12']);
  });

  it('logs a commit past markers that failed, and resolves', async () => {
    const r = runner({ begin: async () => undefined, commit: async () => undefined });
    await expect(
      r.passedMarkers('bookings', 0, '12', '13', async () => {
        throw new Error('REBALANCE_IN_PROGRESS');
      }),
    ).resolves.toBeUndefined();
    expect(told).toEqual(['markers bookings[0] 12: REBALANCE_IN_PROGRESS']);
  });
});

describe('the runner without transactions (a consumer)', () => {
  it('skips messages its own last commit covers when the client delivers them again, and forgets them on reset', async () => {
    const seen: string[] = [];
    const r = plain({ ...handledAll, handle: ({ message }) => (seen.push(message.offset), 'done') });
    await r.eachBatch(batch([10, 11, 12]).control);
    seen.length = 0;
    // @platformatic/kafka after a rejoin: back to offsets this runner committed past
    const again = batch([11, 12, 13, 14]);
    await r.eachBatch(again.control);
    expect(seen).toEqual(['13', '14']);
    expect(again.calls).toEqual(['commit 14']);
    // a batch wholly covered is resolved (kafkajs fetches on from there) and handles nothing
    const covered = batch([11, 12]);
    seen.length = 0;
    await r.eachBatch(covered.control);
    expect(seen).toEqual([]);
    expect(covered.calls).toEqual(['resolve 12']);
    // after a reset (a new start: the group's offsets may have been reset meanwhile), nothing is skipped
    r.reset();
    await r.eachBatch(batch([11, 12]).control);
    expect(seen).toEqual(['11', '12']);
  });

  it('commits what it handled and goes back to its next message when the group begins a rebalance mid-batch', async () => {
    const { control, calls } = batch([10, 11, 12, 13]);
    let handled = 0;
    await plain({ ...handledAll, handle: () => (handled++, 'done') }).eachBatch({
      ...control,
      rebalancing: () => handled >= 2,
    });
    expect(handled).toBe(2);
    expect(calls).toEqual(['seek 12', 'commit 11']);
  });
});
