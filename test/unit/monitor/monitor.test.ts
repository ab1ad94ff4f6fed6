import type { DeadLetterInfo } from '../../../src/dlq/headers';
import {
  clusterOnlyTopics,
  countDeadLetters,
  createTrendTracker,
  fieldMatches,
  offsetsPartitionOf,
  readCommitKey,
  replayCommand,
  type PartitionLag,
} from '../../../src/monitor';
import { javaStringHash } from '../../../src/monitor/commits';

const lag = (committed: string | null, end: string): PartitionLag => ({
  topic: 't',
  partition: 0,
  committed,
  end,
  lag: committed === null ? null : Number(end) - Number(committed),
  member: null,
});

describe('the lag trend', () => {
  it('marks a group stalled once it has lag and no commit moved for stallAfterMs, and not before', () => {
    let now = 0;
    const trends = createTrendTracker({ stallAfterMs: 1000, now: () => now });
    expect(trends.observe('g', 't', [lag('5', '5')]).stalled).toBe(false);
    now = 500;
    expect(trends.observe('g', 't', [lag('5', '8')])).toMatchObject({ stalled: false, totals: [0, 3], change: 3 });
    now = 1000;
    const stalled = trends.observe('g', 't', [lag('5', '9')]);
    expect(stalled).toMatchObject({ stalled: true, totals: [0, 3, 4], change: 4 });
    expect(stalled.lastCommitMoveAt).toBe(new Date(0).toISOString());
    // a commit moves: no longer stalled
    now = 1500;
    expect(trends.observe('g', 't', [lag('9', '9')]).stalled).toBe(false);
  });

  it('never marks a group without lag, however long its commits stand still', () => {
    let now = 0;
    const trends = createTrendTracker({ stallAfterMs: 10, now: () => now });
    trends.observe('g', 't', [lag('5', '5')]);
    now = 1_000_000;
    expect(trends.observe('g', 't', [lag('5', '5')]).stalled).toBe(false);
  });

  it('keeps the last `samples` totals per group and topic', () => {
    const trends = createTrendTracker({ samples: 3 });
    for (let i = 0; i < 5; i++) trends.observe('g', 't', [lag('0', String(i))]);
    expect(trends.observe('g', 't', [lag('0', '9')]).totals).toEqual([3, 4, 9]);
    expect(trends.observe('h', 't', [lag('0', '1')]).totals).toEqual([1]);
  });
});

describe('the message filter', () => {
  const event = { bookingId: 'B-1', data: { quantity: 5, promoCode: null, at: new Date(0), items: [{ sku: 'X' }] } };
  it('compares the value at a dotted path as text', () => {
    expect(fieldMatches(event, 'data.quantity', '5')).toBe(true);
    expect(fieldMatches(event, 'data.quantity', '2')).toBe(false);
    expect(fieldMatches(event, 'data.items.0.sku', 'X')).toBe(true);
    expect(fieldMatches(event, 'data.at', '1970-01-01T00:00:00.000Z')).toBe(true);
    expect(fieldMatches(event, 'data.missing.deeper', 'x')).toBe(false);
  });
  it('without a value, asks for the field to be present and not null', () => {
    expect(fieldMatches(event, 'bookingId', undefined)).toBe(true);
    expect(fieldMatches(event, 'data.promoCode', undefined)).toBe(false);
    expect(fieldMatches(event, 'data.nothing', '')).toBe(false);
  });
});

describe('dead-letter counts and the replay command', () => {
  const info = (group: string, reason: DeadLetterInfo['reason'], errorCode: string) =>
    ({ consumerGroup: group, reason, errorCode }) as DeadLetterInfo;
  it('counts per group and reason, with codes, replayed and pending, sorted', () => {
    const counts = countDeadLetters(
      [
        { info: info('billing', 'undecodable', 'WIRE_FORMAT'), replayed: false },
        { info: info('billing', 'handler-failed', 'HANDLER_FAILED'), replayed: true },
        { info: info('billing', 'handler-failed', 'HANDLER_FAILED'), replayed: false },
        { info: undefined, replayed: false },
      ],
      (group, reason) => replayCommand('npx contracts', 'bookings', group, reason),
    );
    expect(counts).toEqual([
      { group: '', reason: '', records: 1, replayed: 0, pending: 1, errorCodes: [], replay: null },
      {
        group: 'billing',
        reason: 'handler-failed',
        records: 2,
        replayed: 1,
        pending: 1,
        errorCodes: ['HANDLER_FAILED'],
        replay: 'npx contracts dlq replay bookings --group billing --reason handler-failed',
      },
      {
        group: 'billing',
        reason: 'undecodable',
        records: 1,
        replayed: 0,
        pending: 1,
        errorCodes: ['WIRE_FORMAT'],
        replay: 'npx contracts dlq replay bookings --group billing --reason undecodable',
      },
    ]);
  });
  it('quotes what a shell would split', () => {
    expect(replayCommand('npx contracts', 'bookings', "team's group")).toBe(
      `npx contracts dlq replay bookings --group 'team'\\''s group'`,
    );
  });
});

describe('clusterOnlyTopics', () => {
  const known = [{ topic: 'bookings', deadLetterTopic: 'bookings.dead', sources: ['config' as const] }];
  const names = [
    'bookings',
    'bookings.dead',
    'bookings.dead.replayed',
    'payments',
    'payments.dlq',
    'payments.dlq.replayed',
    'audit.dlq',
    '__consumer_offsets',
    '__transaction_state',
  ];
  it("adds the cluster's other topics, not dead-letter topics or replay ledgers, and Kafka's internal ones only when asked", () => {
    expect(clusterOnlyTopics(names, known)).toEqual([
      // a `.dlq` topic whose topic is not on the cluster is a topic of its own
      { topic: 'audit.dlq', deadLetterTopic: 'audit.dlq.dlq', sources: ['cluster'] },
      { topic: 'payments', deadLetterTopic: 'payments.dlq', sources: ['cluster'] },
    ]);
    expect(clusterOnlyTopics(names, known, { internal: true }).map((t) => t.topic)).toEqual([
      '__consumer_offsets',
      '__transaction_state',
      'audit.dlq',
      'payments',
    ]);
  });
});

describe("the broker's commit times (__consumer_offsets)", () => {
  it("finds a group's partition as the coordinator does: abs(String.hashCode) % partitions", () => {
    expect(javaStringHash('hello')).toBe(99162322);
    // Integer.MIN_VALUE: Kafka's Utils.abs masks the sign bit rather than negating
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
    expect(offsetsPartitionOf('polygenelubricants', 50)).toBe(0);
    expect(offsetsPartitionOf('billing-service', 50)).toBe(39);
  });

  it('reads an offset-commit key (versions 0 and 1), not group metadata (version 2)', () => {
    const key = (version: number, ...parts: Array<string | number>) => {
      const chunks = [Buffer.from([0, version])];
      for (const part of parts) {
        if (typeof part === 'number') {
          const n = Buffer.alloc(4);
          n.writeInt32BE(part);
          chunks.push(n);
        } else {
          const length = Buffer.alloc(2);
          length.writeInt16BE(Buffer.byteLength(part));
          chunks.push(length, Buffer.from(part));
        }
      }
      return Buffer.concat(chunks);
    };
    expect(readCommitKey(key(1, 'billing', 'bookings', 4))).toEqual({
      group: 'billing',
      topic: 'bookings',
      partition: 4,
    });
    expect(readCommitKey(key(0, 'g', 't', 0))).toEqual({ group: 'g', topic: 't', partition: 0 });
    expect(readCommitKey(key(2, 'billing'))).toBeUndefined();
    expect(readCommitKey(null)).toBeUndefined();
  });
});
