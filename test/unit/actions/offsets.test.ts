/**
 * The offset reset's refusal (src/actions/offsets.ts) with an admin stand-in: a group with a member
 * is refused by name (GroupNotEmptyError, its state and each member), nothing is written; a target
 * outside a partition's offsets is a UsageError naming the range. The plan and its write against a
 * real broker: test/integration/ui/actions.test.ts.
 */
import type { Kafka } from 'kafkajs';
import { resetGroupOffsets } from '../../../src/actions';
import { GroupNotEmptyError, UsageError } from '../../../src/errors';

function kafkaWith(members: Array<{ memberId: string; clientId: string; clientHost: string }>, state: string) {
  const writes: unknown[] = [];
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    describeGroups: async () => ({
      groups: [
        {
          groupId: 'billing',
          state,
          protocol: '',
          members: members.map((m) => ({ ...m, memberAssignment: Buffer.alloc(0) })),
        },
      ],
    }),
    listTopics: async () => ['orders'],
    fetchTopicOffsets: async () => [
      { partition: 0, low: '2', high: '10', offset: '10' },
      { partition: 1, low: '0', high: '4', offset: '4' },
    ],
    fetchOffsets: async () => [
      {
        topic: 'orders',
        partitions: [
          { partition: 0, offset: '10' },
          { partition: 1, offset: '-1' },
        ],
      },
    ],
    setOffsets: async (request: unknown) => void writes.push(request),
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, writes };
}

describe('resetGroupOffsets', () => {
  it('refuses a group with members, naming it, its state and each member, and writes nothing', async () => {
    const { kafka, writes } = kafkaWith(
      [{ memberId: 'm-1', clientId: 'billing-service', clientHost: '/10.0.0.7' }],
      'Stable',
    );
    const reset = resetGroupOffsets({
      kafka,
      group: 'billing',
      topic: 'orders',
      target: { to: 'earliest' },
      dryRun: true,
    });
    await expect(reset).rejects.toThrow(GroupNotEmptyError);
    await expect(reset).rejects.toMatchObject({
      code: 'GROUP_NOT_EMPTY',
      group: 'billing',
      state: 'Stable',
      message:
        'consumer group "billing" is Stable with 1 member (billing-service on /10.0.0.7, member m-1): its offsets can be reset only while it is empty',
    });
    expect(writes).toEqual([]);
  });

  it('plans old → new per partition for an empty group; a dry run writes nothing, applying writes what moves', async () => {
    const { kafka, writes } = kafkaWith([], 'Empty');
    const plan = await resetGroupOffsets({
      kafka,
      group: 'billing',
      topic: 'orders',
      target: { to: 'earliest' },
      dryRun: true,
    });
    expect(plan.partitions).toEqual([
      { partition: 0, from: '10', to: '2', low: '2', high: '10' },
      { partition: 1, from: null, to: '0', low: '0', high: '4' },
    ]);
    expect(plan).toMatchObject({ state: 'Empty', target: 'earliest', changes: 2, dryRun: true });
    expect(writes).toEqual([]);
    const applied = await resetGroupOffsets({
      kafka,
      group: 'billing',
      topic: 'orders',
      target: { to: 'latest' },
      partitions: [0, 1],
      dryRun: false,
    });
    expect(applied).toMatchObject({ changes: 1, dryRun: false });
    expect(writes).toEqual([{ groupId: 'billing', topic: 'orders', partitions: [{ partition: 1, offset: '4' }] }]);
  });

  it('refuses an offset outside a partition, and a partition the topic lacks', async () => {
    const { kafka } = kafkaWith([], 'Empty');
    await expect(
      resetGroupOffsets({
        kafka,
        group: 'billing',
        topic: 'orders',
        target: { to: 'offset', offset: '1' },
        partitions: [0],
        dryRun: true,
      }),
    ).rejects.toThrow(new UsageError('offset 1 is outside orders/0, which holds 2 to 10'));
    await expect(
      resetGroupOffsets({
        kafka,
        group: 'billing',
        topic: 'orders',
        target: { to: 'earliest' },
        partitions: [7],
        dryRun: true,
      }),
    ).rejects.toThrow('topic orders has no partition 7');
  });
});
