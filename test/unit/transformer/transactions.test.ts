/**
 * The transformer's transactions without Kafka: when they read the group's committed offset again
 * (a new join: a new producer fences the older ones first), and which fetched batches they skip —
 * one fetched before another instance's commit, and one fetched again from before this instance's
 * own last commit within the same join (what @platformatic/kafka's stream does when it rejoins
 * while a batch is handled: it goes back to an offset read before that batch's commit).
 */
import type { BatchControl } from '../../../src/consumer/runner';
import type { LogLevel } from '../../../src/log';
import { PendingOutputs } from '../../../src/transformer/outputs';
import { createTransactions, type TransactionsClient } from '../../../src/transformer/transactions';

function setUp(groupCommitted: () => string | undefined) {
  const calls: string[] = [];
  const lines: Array<{ kind: string; fields?: Record<string, unknown> }> = [];
  const member = { generation: 1 };
  const client: TransactionsClient = {
    producer: (id) => {
      calls.push(`producer ${id}`);
      return {
        ready: async () => undefined,
        commit: async (_r, o) => void calls.push(`commit ${o.next}`),
        close: async () => undefined,
      };
    },
    committedOffset: async () => {
      calls.push('read committed');
      return groupCommitted();
    },
    joinStamp: (m) => (m as typeof member).generation,
    partitionCount: async () => 3,
    close: async () => undefined,
  };
  const transactions = createTransactions({
    groupId: 'billing',
    deadLetterTopic: 'bookings.dlq',
    transactionalIdPrefix: 'billing',
    client,
    pending: new PendingOutputs(),
    log: {
      write: (_level: LogLevel, kind: string, _message: string, fields?: Record<string, unknown>) =>
        void lines.push({ kind, fields }),
      flush: () => undefined,
    },
  });
  const batch = (first: number): BatchControl =>
    ({ topic: 'bookings', partition: 0, firstOffset: String(first), groupMember: member }) as BatchControl;
  return { transactions, batch, calls, lines, member };
}

describe("the transformer's transactions", () => {
  it('reads the committed offset once per join, after a new producer, and skips a batch another instance committed past', async () => {
    let committed: string | undefined = '20';
    const t = setUp(() => committed);
    await expect(t.transactions.begin(t.batch(10))).resolves.toBe('20');
    expect(t.calls).toEqual(['producer billing.bookings.0', 'read committed']);
    await expect(t.transactions.begin(t.batch(20))).resolves.toBeUndefined();
    expect(t.calls).toHaveLength(2); // same join: neither a new producer nor a read
    t.member.generation = 2;
    committed = '20';
    await expect(t.transactions.begin(t.batch(20))).resolves.toBeUndefined();
    expect(t.calls.slice(2)).toEqual(['producer billing.bookings.0', 'read committed']);
    expect(t.lines.map((l) => l.kind)).toEqual(['transaction-skip']);
  });

  it('skips a batch fetched again from before its own last commit, within the same join', async () => {
    const t = setUp(() => '100');
    await expect(t.transactions.begin(t.batch(100))).resolves.toBeUndefined();
    await t.transactions.commit(t.batch(100), '149');
    expect(t.calls.at(-1)).toBe('commit 150');
    // the client went back to the offset it read when it rejoined during that batch
    await expect(t.transactions.begin(t.batch(100))).resolves.toBe('150');
    await expect(t.transactions.begin(t.batch(150))).resolves.toBeUndefined();
    // a new join whose read is older than its own commit: its own commit wins
    t.member.generation = 2;
    await expect(t.transactions.begin(t.batch(120))).resolves.toBe('150');
    expect(t.lines.filter((l) => l.kind === 'transaction-skip').map((l) => l.fields?.committed)).toEqual([
      '150',
      '150',
    ]);
  });
});
