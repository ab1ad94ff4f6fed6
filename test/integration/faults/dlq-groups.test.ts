/**
 * Dead letters per group, replayed once. One topic read by three consumer groups (billing,
 * inventory, analytics), each a kit consumer:
 * - garbage records (not framed) are dead-lettered by all three, each copy naming its group;
 * - events that billing's handler keeps failing on (until a fix) are dead-lettered by billing only;
 * - `contracts dlq list` / `show` tell the copies apart per group and reason, with the raw bytes;
 * - `contracts dlq replay --group billing --reason handler-failed` sends billing's back: billing
 *   handles each once, inventory and analytics skip every replayed copy (and commit past it);
 * - the same replay run a second time sends nothing (the topic's end offsets do not move).
 * Each group handles each good event once; lost = 0. Shared stack, topic of its own.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { CONSUMER_EVENTS } from '../../../src/consumer';
import { replayDeadLetters } from '../../../src/dlq';
import { ROOT } from '../../support/bookings-samples';
import { reportFigures, Tally } from '../../support/faults/figures';
import { faultScenario } from '../../support/faults/scenario';
import { everyEvent, makeEvents, waitUntil, type TallyingConsumer } from '../../support/faults/stream';
import { endOffsetSum } from '../../support/it-helpers';

jest.setTimeout(300_000);
const exec = promisify(execFile);

const EVENTS = 900;
/** Every 15th event: billing's handler fails on it until the fix. */
const FAILS_BILLING = (index: number) => index % 15 === 7;
const GARBAGE = 12;
const GROUPS = ['billing', 'inventory', 'analytics'] as const;

interface Group extends TallyingConsumer {
  name: (typeof GROUPS)[number];
  replayed: Tally;
  skippedReplays: number;
}

const groups: Group[] = [];
const scenario = faultScenario({ name: 'dlq-groups', settle: true });

describe('dead letters per group', () => {
  it('dead-letters per group, lists them, replays one group’s to that group only, and a second replay sends nothing', async () => {
    const began = Date.now();
    const { brokers } = scenario;
    const setup = await scenario.topic('faults-dlq-groups');
    const { topic, deadLetterTopic } = setup.contract;
    const events = makeEvents(EVENTS);
    const failing = new Set(events.filter((_, i) => FAILS_BILLING(i)).map((e) => e.eventId));
    let fixed = false;
    const run = randomUUID().slice(0, 8);

    for (const name of GROUPS) {
      const replayed = new Tally();
      const handled = new Tally();
      const handle = async (event: { eventId: string }, ctx: { headers: Record<string, unknown> }) => {
        if (name === 'billing' && !fixed && failing.has(event.eventId))
          throw new TypeError(`billing refused ${event.eventId}`);
        (ctx.headers['replayed-from'] ? replayed : handled).add(event.eventId);
      };
      const g = scenario.consumer(setup, {
        groupId: `${name}-${run}`,
        retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
        handlers: everyEvent(handle),
      });
      const group: Group = { ...g, tally: handled, name, replayed, skippedReplays: 0 };
      g.consumer.on(CONSUMER_EVENTS.IGNORED, (p) => {
        if (p.reason === 'replay-for-another-group') group.skippedReplays += 1;
      });
      groups.push(group);
    }
    const [billing, inventory, analytics] = groups as [Group, Group, Group];
    for (const g of groups) await g.consumer.start();

    const sent = (await scenario.publish(events, { batchSize: 300 }, setup)).acknowledged;
    const raw = setup.kafka.producer();
    await raw.connect();
    await raw.send({
      topic,
      messages: Array.from({ length: GARBAGE }, (_, i) => ({
        key: `garbage-${i}`,
        value: Buffer.from(`{"garbage":${i},"note":"sent without a serializer"}`),
      })),
    });
    await raw.disconnect();

    const expectedDlq = failing.size + GARBAGE * GROUPS.length;
    await waitUntil(
      async () =>
        groups.every((g) => g.tally.distinct >= EVENTS - (g === billing ? failing.size : 0)) &&
        (await endOffsetSum(setup.kafka, deadLetterTopic)) >= BigInt(expectedDlq),
      () => `every group through the stream (${groups.map((g) => `${g.name} ${g.tally.distinct}`).join(', ')})`,
      120_000,
    );
    expect(billing.counts.deadLettered).toBe(failing.size + GARBAGE);
    expect(inventory.counts.deadLettered).toBe(GARBAGE);
    expect(analytics.counts.deadLettered).toBe(GARBAGE);

    // look before replaying: per group and reason, and the raw bytes of the garbage
    const cli = async (...args: string[]) =>
      (
        await exec(process.execPath, ['bin/contracts.js', 'dlq', ...args, topic, '--brokers', brokers.join(',')], {
          cwd: ROOT,
        })
      ).stdout;
    const listed = await cli('list');
    expect(listed).toContain(`${deadLetterTopic}: ${expectedDlq} record(s)`);
    expect(listed).toMatch(
      new RegExp(`billing-${run}\\s+handler-failed\\s+HANDLER_FAILED\\s+${failing.size}\\s+0\\s+${failing.size}`),
    );
    for (const g of groups)
      expect(listed).toMatch(new RegExp(`${g.groupId}\\s+undecodable\\s+WIRE_FORMAT\\s+${GARBAGE}\\s+0\\s+${GARBAGE}`));
    const shown = (await cli('show', '--group', inventory.groupId, '--reason', 'undecodable', '--json', '-n', '1'))
      .trim()
      .split('\n');
    expect(shown).toHaveLength(1);
    const first = JSON.parse(shown[0]!) as {
      value: { utf8: string; hex: string; base64: string };
      deadLetter: { consumerGroup: string };
    };
    expect(first.deadLetter.consumerGroup).toBe(inventory.groupId);
    expect(first.value.utf8).toMatch(/^\{"garbage":\d+/);
    expect(first.value.hex.startsWith('7b 22 67')).toBe(true);
    expect(Buffer.from(first.value.base64, 'base64').toString('utf8')).toBe(first.value.utf8);

    // the fix is deployed; billing's dead letters go back, to billing only
    fixed = true;
    const endBeforeReplay = await endOffsetSum(setup.kafka, topic);
    const replayOut = await cli('replay', '--group', billing.groupId, '--reason', 'handler-failed');
    expect(replayOut).toContain(`replayed ${failing.size} record(s)`);
    await waitUntil(
      () =>
        billing.replayed.distinct >= failing.size &&
        inventory.skippedReplays >= failing.size &&
        analytics.skippedReplays >= failing.size,
      () =>
        `${failing.size} replayed copies handled by billing (${billing.replayed.distinct}) and skipped by inventory (${inventory.skippedReplays}) and analytics (${analytics.skippedReplays})`,
      120_000,
    );
    const endAfterReplay = await endOffsetSum(setup.kafka, topic);
    // the copies (and their ledger entries) are one transaction: each of the topic's 3 partitions it
    // wrote to ends with a commit marker, which takes an offset and is no record
    const markers = Number(endAfterReplay - endBeforeReplay) - failing.size;

    // a second replay finds everything replayed: nothing is sent
    const secondOut = await cli('replay', '--group', billing.groupId, '--reason', 'handler-failed');
    const secondApi = await replayDeadLetters({
      contract: setup.contract,
      brokers,
      group: billing.groupId,
      filter: (i) => i.reason === 'handler-failed',
    });
    const endAfterSecond = await endOffsetSum(setup.kafka, topic);
    const dryRunOther = await cli('replay', '--group', analytics.groupId, '--dry-run');
    expect(secondOut).toContain(`replayed 0 record(s)`);
    expect(secondOut).toContain(`${failing.size} already replayed`);
    expect(secondApi).toMatchObject({ replayed: 0, alreadyReplayed: failing.size, duplicates: 0 });
    expect(endAfterSecond).toBe(endAfterReplay);
    expect(dryRunOther).toContain(`would replay ${GARBAGE} record(s)`);
    const listedAfter = await cli('list', '--group', billing.groupId);
    expect(listedAfter).toMatch(
      new RegExp(`handler-failed\\s+HANDLER_FAILED\\s+${failing.size}\\s+${failing.size}\\s+0`),
    );

    const allIds = events.map((e) => e.eventId);
    const good = allIds.filter((id) => !failing.has(id));
    const lost =
      inventory.tally.missing(allIds).length +
      analytics.tally.missing(allIds).length +
      billing.tally.missing(good).length +
      billing.replayed.missing([...failing]).length;
    const duplicates = groups.reduce((n, g) => n + g.tally.duplicates + g.replayed.duplicates, 0);
    const dlqRecords = Number(await endOffsetSum(setup.kafka, deadLetterTopic));
    const common = { sent: sent.length + GARBAGE, duplicates, deadLettered: dlqRecords, lost };
    reportFigures({
      scenario: 'dlq-three-groups',
      fault: `${GARBAGE} garbage records on a topic read by 3 groups, and ${failing.size} events billing's handler fails on until a fix; billing's replayed`,
      ...common,
      handled: Math.min(...groups.map((g) => g.tally.distinct + g.replayed.distinct)),
      details: {
        deadLetteredByBilling: billing.counts.deadLettered,
        deadLetteredByInventory: inventory.counts.deadLettered,
        deadLetteredByAnalytics: analytics.counts.deadLettered,
        replayedForBilling: failing.size,
        replayedHandledByBilling: billing.replayed.deliveries,
        replayedHandledByOthers: inventory.replayed.deliveries + analytics.replayed.deliveries,
        replayedSkippedByOthers: inventory.skippedReplays + analytics.skippedReplays,
        goodHandledPerGroup: groups.map((g) => g.tally.deliveries).join('/'),
      },
      durationMs: Date.now() - began,
    });
    reportFigures({
      scenario: 'replay-twice',
      fault: `the same replay (billing, handler-failed) run a second time, by the CLI and the API`,
      ...common,
      handled: billing.replayed.distinct,
      details: {
        firstReplaySent: Number(endAfterReplay - endBeforeReplay) - markers,
        transactionMarkers: markers,
        secondReplaySent: Number(endAfterSecond - endAfterReplay),
        secondReplayAlreadyReplayed: secondApi.alreadyReplayed,
        replayedHandledByBilling: billing.replayed.deliveries,
      },
      durationMs: Date.now() - began,
    });

    expect(markers).toBeGreaterThanOrEqual(1);
    expect(markers).toBeLessThanOrEqual(3);
    for (const g of groups) {
      expect(g.tally.deliveries).toBe(g === billing ? EVENTS - failing.size : EVENTS);
      expect(g.tally.duplicates).toBe(0);
    }
    expect(billing.replayed.deliveries).toBe(failing.size);
    expect(inventory.replayed.deliveries + analytics.replayed.deliveries).toBe(0);
    expect(lost).toBe(0);
  });
});
