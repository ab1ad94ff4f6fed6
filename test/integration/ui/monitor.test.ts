/**
 * The monitor pages of `contracts ui` in a real browser (Debian's Chromium through playwright-core)
 * against the real stack: a topic with events, two of the kit's consumer groups that dead-letter
 * records (a failing handler and an undecodable message), and a third group whose consumer is
 * paused after committing, so that its lag grows while its commits stand still. Each page is
 * checked for what it reads from Kafka and the registry; screenshots go to test-artifacts/ui/.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import type { Consumer as KafkaConsumer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../../src/config';
import { createConsumer, type Consumer } from '../../../src/consumer';
import type { bookingsContract } from '../../../src/generated/bookings';
import { createProducer } from '../../../src/producer';
import { createUiServer, type UiServer } from '../../../src/ui';
import { ARTIFACTS, launchChromium } from '../../support/chromium';
import { bookingInputs } from '../../support/bookings-fixtures';
import { endOffsetSum, setUpTopic, waitFor, type ItContext } from '../../support/it-helpers';

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '..', '..', '..');
const STALL_AFTER_MS = 4000;
/** Printed on the page for every time: date, time and zone. */
const TIME_FORMAT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} UTC$/;

let ctx: ItContext<typeof bookingsContract>;
let ui: UiServer;
let browser: Browser;
let page: Page;
let topic: string;
const tag = randomBytes(3).toString('hex');
const started = Date.now() - 1000;
const billing = `billing-${tag}`;
const inventory = `inventory-${tag}`;
const reporting = `reporting-${tag}`;
/** A group that committed on partition 0 only and never ran: no lag to tell on 1 and 2. */
const partial = `partial-${tag}`;
let paused: KafkaConsumer | undefined;
const stopped: Array<Consumer<typeof bookingsContract>> = [];

beforeAll(async () => {
  ctx = await setUpTopic('ui-mon');
  topic = ctx.contract.topic;
  const producer = createProducer({ contract: ctx.contract, brokers: ctx.env.brokers, registry: ctx.registry });
  await producer.connect();
  const created = (id: string, quantity: number) => {
    const input = bookingInputs(id)['booking.created'];
    return producer.publish('booking.created', { ...input, data: { ...input.data, quantity } });
  };
  try {
    await created(`MON-${tag}-1`, 2);
    await created(`MON-${tag}-2`, 5);
    await created(`MON-${tag}-3`, 2);
    await producer.publish('booking.confirmed', bookingInputs(`MON-${tag}-1`)['booking.confirmed']);
    await producer.publish('booking.failed', bookingInputs(`FAIL-${tag}`)['booking.failed']);
  } finally {
    await producer.disconnect();
  }
  // bytes no schema describes: undecodable for every group
  const raw = ctx.kafka.producer();
  await raw.connect();
  await raw.send({ topic, messages: [{ key: `RAW-${tag}`, value: Buffer.from('{"eventType":"booking.created"}') }] });
  await raw.disconnect();

  // the third group commits what it read, then its consumer pauses: lag grows, commits stand still.
  // It starts from a commit at 0 on every partition, so that a partition the first events missed
  // has a commit too and its share of the later events counts as lag (which partitions the keys
  // hash to changes with the tag; a partition without a commit has no lag, see `partial`).
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: '0' }));
    await admin.setOffsets({ groupId: reporting, topic, partitions });
    await admin.setOffsets({ groupId: partial, topic, partitions: [{ partition: 0, offset: '0' }] });
  } finally {
    await admin.disconnect();
  }
  paused = ctx.kafka.consumer({ groupId: reporting });
  await paused.connect();
  await paused.subscribe({ topics: [topic], fromBeginning: true });
  let hold = false;
  await paused.run({
    autoCommitThreshold: 1,
    eachMessage: async ({ partition }) => {
      // kafkajs's own pattern for a consumer that must stop taking records: pause, and throw so the
      // record in hand is neither handled nor committed (a fetch in flight cannot slip through)
      if (hold) {
        paused!.pause([{ topic, partitions: [partition] }]);
        throw new Error('paused by the test');
      }
    },
  });
  await waitFor(async () => (await lagOf(reporting)) === 0, 'the reporting group at the end');
  hold = true;
  paused.pause([{ topic }]);
  // two groups dead-letter booking.failed (their handler throws) and the raw bytes, then stop at the end
  for (const groupId of [billing, inventory]) {
    const consumer = createConsumer({
      contract: ctx.contract,
      groupId,
      brokers: ctx.env.brokers,
      registry: ctx.registry,
      fromBeginning: true,
      stopOnSignals: [],
      retry: { attempts: 2, initialDelayMs: 20 },
      handlers: {
        'booking.created': async () => undefined,
        'booking.confirmed': async () => undefined,
        'booking.cancelled': 'ignore',
        'booking.failed': async () => {
          throw new Error(`${groupId} cannot bill a failed booking`);
        },
      },
    });
    stopped.push(consumer);
    await consumer.start();
  }
  const more = createProducer({ contract: ctx.contract, brokers: ctx.env.brokers, registry: ctx.registry });
  await more.connect();
  try {
    for (let i = 4; i <= 8; i++)
      await more.publish('booking.cancelled', bookingInputs(`MON-${tag}-${i}`)['booking.cancelled']);
  } finally {
    await more.disconnect();
  }

  await waitFor(async () => (await endOffsetSum(ctx.kafka, ctx.contract.deadLetterTopic)) >= 4n, 'four dead letters');
  await waitFor(async () => (await lagOf(billing)) === 0 && (await lagOf(inventory)) === 0, 'both groups at the end');
  for (const c of stopped) await c.stop();

  ui = await createUiServer({
    port: 0,
    registry: ctx.env.registryUrl,
    brokers: ctx.env.brokers,
    topic,
    config: loadConfig(join(ROOT, 'contracts.config.json')),
    stallAfterMs: STALL_AFTER_MS,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await paused?.disconnect().catch(() => undefined);
  for (const c of stopped) await c.stop().catch(() => undefined);
});

/** The status of a request to the UI, with the Host header given (default its own). */
function request(method: string, path: string, host?: string): Promise<number> {
  const url = new URL(ui.url);
  return new Promise((done, fail) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method, headers: host ? { host } : {} },
      (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      },
    );
    req.once('error', fail);
    req.end();
  });
}

/**
 * The group's lag on the test topic, summed over the partitions it committed on, read with the
 * admin API; -1 while a partition with records has no commit yet, unless `committedOnly`.
 */
async function lagOf(groupId: string, committedOnly = false): Promise<number> {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    let lag = 0;
    for (const p of ends) {
      const at = committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1';
      if (at === '-1' && p.high !== p.low && !committedOnly) return -1;
      if (at !== '-1') lag += Number(p.high) - Number(at);
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the monitor has drawn the route in the address bar (not the previous one). */
const drawn = () =>
  page.waitForFunction(
    () => {
      // runs in the page (this file is compiled without the DOM's types)
      const { document, location } = globalThis as unknown as {
        document: { getElementById(id: string): { dataset: Record<string, string | undefined> } | null };
        location: { hash: string };
      };
      return document.getElementById('monitor')?.dataset.rendered === location.hash;
    },
    undefined,
    { timeout: 30_000 },
  );
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const card = () => page.locator(`.topic-card[data-topic="${topic}"]`);
const groupRow = (groupId: string) =>
  card().locator('table[data-table="groups"] tr', { has: page.locator(`[data-group="${groupId}"]`) });

describe('the monitor pages in Chromium', () => {
  it('lands on the overview: the topic with its contract, counts, groups with lag, and dead letters per group and reason', async () => {
    // a subject whose topic is neither on the cluster nor in the config: no "create it with apply"
    const orphan = `${topic}-orphan`;
    const registered = await fetch(`${ctx.env.registryUrl}/subjects/${orphan}-value/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'Orphan', fields: [] }) }),
    });
    expect(registered.status).toBe(200);
    await page.goto(ui.url);
    await card().waitFor({ timeout: 30_000 });
    const orphanCard = page.locator(`.topic-card[data-topic="${orphan}"]`);
    await expect(orphanCard.locator('[data-orphan]').textContent()).resolves.toContain(
      'Only its subject is in the registry',
    );
    await expect(orphanCard.textContent()).resolves.not.toContain('Create it with');
    await expect(page.locator('.nav a.active').textContent()).resolves.toBe('Overview');
    await expect(card().locator(`[data-subject="${topic}-value"]`).textContent()).resolves.toMatch(/v1 \(1 version\)/);
    await expect(card().locator('[data-stat="partitions"] strong').textContent()).resolves.toBe('3');
    await expect(card().locator('[data-stat="messages"] strong').textContent()).resolves.toBe('11');
    // the kit's config topic is there too, from the config and the registry
    await expect(page.locator('.topic-card[data-topic="bookings"]').count()).resolves.toBe(1);
    // the paused group's lag as the admin API counts it (the 5 later events, less any a fetch in flight got past the pause)
    const reportingLag = await lagOf(reporting);
    expect(reportingLag).toBeGreaterThan(0);
    await expect(groupRow(reporting).locator('.lag').textContent()).resolves.toBe(String(reportingLag));
    // a partition without a commit has no lag to tell (as Kafka's kafka-consumer-groups shows it):
    // the total is over the committed partitions, the others are marked
    await expect(groupRow(partial).locator('.lag').textContent()).resolves.toBe(String(await lagOf(partial, true)));
    await expect(groupRow(partial).locator('.plags').textContent()).resolves.toMatch(/^p0:\d+p1:–p2:–$/);
    await expect(groupRow(billing).locator('.lag').textContent()).resolves.toBe('0');
    await expect(groupRow(billing).textContent()).resolves.toContain('Empty');
    // the paused group stops committing while its lag stays: it stands out after the stall time
    await groupRow(reporting).locator('.stalled').waitFor({ timeout: 30_000 });
    await expect(groupRow(billing).locator('.stalled').count()).resolves.toBe(0);
    const deadRows = card().locator('table[data-table="dead-letters"] tbody tr');
    await expect(deadRows.count()).resolves.toBe(4);
    const text = (await deadRows.allTextContents()).join('\n');
    expect(text).toContain(`${billing}handler-failedHANDLER_FAILED11`);
    expect(text).toContain(`${inventory}undecodableWIRE_FORMAT11`);
    await expect(page.locator('.monitor-head time').textContent()).resolves.toMatch(TIME_FORMAT);
    await card().scrollIntoViewIfNeeded();
    await shot('overview');
  });

  it('shows a group with its members, partitions, committed and end offsets and lag, and that it stopped committing', async () => {
    await groupRow(reporting).locator('a').first().click();
    await page.locator(`.monitor.group[data-group="${reporting}"]`).waitFor();
    await page.locator('.stalled-banner').waitFor({ timeout: 20_000 });
    await expect(page.locator('.stalled-banner').textContent()).resolves.toContain(
      `${topic}: lag ${await lagOf(reporting)}`,
    );
    const members = page.locator('table[data-table="members"] tbody tr');
    await expect(members.count()).resolves.toBe(1);
    await expect(members.textContent()).resolves.toContain(`${topic} [0, 1, 2]`);
    // the broker's commit times are read in the background: a later refresh shows them. The read
    // of __consumer_offsets is read_committed and ends at the last stable offset: while another
    // test's transformer keeps a transaction open on the same partition of it, later commits are
    // out of reach (a known gap, docs/ui.md); the page must then say it has none yet, never fail
    const shown = page.locator(`.topic-card[data-topic="${topic}"] [data-last-commit]`);
    const timed = await page
      .locator(`.topic-card[data-topic="${topic}"] [data-last-commit^="2"]`)
      .waitFor({ timeout: 75_000 })
      .then(
        () => true,
        async () => {
          expect(['none', 'reading']).toContain(await shown.getAttribute('data-last-commit'));
          console.log('monitor: no commit time within 75 s (a transaction open in __consumer_offsets)');
          return false;
        },
      );
    const rows = page.locator('table[data-table="partitions"] tbody tr');
    await expect(rows.count()).resolves.toBe(3);
    let lag = 0;
    for (const row of await rows.all()) {
      const cells = await row.locator('td').allTextContents();
      // partition, member, committed, committed at (the broker's record of the commit), end, lag
      expect(Number(cells[5])).toBe(Number(cells[4]) - Number(cells[2]));
      if (timed) expect(cells[3]).toMatch(TIME_FORMAT);
      lag += Number(cells[5]);
    }
    expect(lag).toBe(5);
    // the real last commit, from the broker's __consumer_offsets: during this test, before now
    if (timed) {
      const last = await shown.getAttribute('data-last-commit');
      expect(Date.parse(last!)).toBeGreaterThanOrEqual(started);
      expect(Date.parse(last!)).toBeLessThanOrEqual(Date.now());
    }
    await shot('group-stalled');
    // a group that finished: Empty, no members, no lag, not stalled
    await page.goto(`${ui.url}/#/groups?g=${billing}`);
    await page.locator(`.monitor.group[data-group="${billing}"][data-state="Empty"]`).waitFor();
    await expect(page.locator('.stalled-banner').count()).resolves.toBe(0);
    await expect(page.locator('table[data-table="members"]').count()).resolves.toBe(0);
    await page.goto(`${ui.url}/#/groups`);
    await page.locator('table[data-table="all-groups"]').waitFor();
    await expect(page.locator('table[data-table="all-groups"]').textContent()).resolves.toContain(reporting);
    await shot('groups');
  });

  it('finds messages by event type, key, schema version and field value, from a partition and offset or a time, in both orders', async () => {
    const find = async (q: Record<string, string>) => {
      await page.goto(`${ui.url}/#/messages?${new URLSearchParams({ t: topic, ...q })}`);
      await drawn();
      return page.locator('.records article.event');
    };
    let found = await find({ type: 'booking.created' });
    await expect(found.count()).resolves.toBe(3);
    for (const type of await found.evaluateAll((els) => els.map((e) => e.getAttribute('data-event-type'))))
      expect(type).toBe('booking.created');
    found = await find({ type: 'booking.created', path: 'data.quantity', val: '5' });
    await expect(found.count()).resolves.toBe(1);
    await expect(found.textContent()).resolves.toContain(`MON-${tag}-2`);
    found = await find({ key: `FAIL-${tag}`, ver: '1' });
    await expect(found.count()).resolves.toBe(1);
    await expect(found.getAttribute('data-event-type')).resolves.toBe('booking.failed');
    found = await find({ ver: '2' });
    await expect(found.count()).resolves.toBe(0);
    // the undecodable record: its error and bytes
    found = await find({ key: `RAW-${tag}` });
    await expect(found.locator('.bytes .utf8').textContent()).resolves.toContain('{"eventType":"booking.created"}');
    // newest first by default, oldest first on request (within a partition: offsets run the other way)
    // the partition with the most records (keys spread the events over the three)
    const admin = ctx.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const busiest = String([...ends].sort((x, y) => Number(y.high) - Number(x.high))[0]!.partition);
    found = await find({ p: busiest });
    const newest = await found.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset'))));
    expect(newest.length).toBeGreaterThan(1);
    expect([...newest].sort((a, b) => b - a)).toEqual(newest);
    found = await find({ p: busiest, o: '1', order: 'oldest' });
    const oldest = await found.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset'))));
    expect(oldest[0]).toBe(1);
    expect([...oldest].sort((a, b) => a - b)).toEqual(oldest);
    // from a time after everything: nothing, oldest first
    found = await find({ time: new Date(Date.now() + 3_600_000).toISOString(), order: 'oldest' });
    await expect(found.count()).resolves.toBe(0);
    // the value: a tree, a JSON toggle, the headers, one time format
    found = await find({ key: `MON-${tag}-2` });
    const event = found.first();
    await expect(event.locator('.vtree .v-key', { hasText: '"quantity"' }).count()).resolves.toBe(1);
    await expect(event.locator('time').textContent()).resolves.toMatch(TIME_FORMAT);
    await event.locator('details.headers summary').click();
    await expect(event.locator('.kv').textContent()).resolves.toContain('event-type');
    await shot('messages');
    await event.locator('.vtoggle').click();
    await expect(event.locator('.vraw').textContent()).resolves.toContain('"quantity": 5');
    await expect(event.locator('.vtree').isHidden()).resolves.toBe(true);
  });

  it('shows the dead letters of one group and reason with their original coordinates, bytes, error and replay command', async () => {
    await page.goto(`${ui.url}/#/dead-letters?${new URLSearchParams({ t: topic, g: billing, r: 'handler-failed' })}`);
    await page.locator('.monitor.dead-letters').waitFor({ timeout: 30_000 });
    const counts = page.locator('table[data-table="dead-letter-counts"] tbody tr');
    await expect(counts.count()).resolves.toBe(4);
    const records = page.locator('.records article.event.dead');
    await expect(records.count()).resolves.toBe(1);
    const record = records.first();
    await expect(record.getAttribute('data-group')).resolves.toBe(billing);
    await expect(record.locator('.dlq-info').textContent()).resolves.toContain(
      `${billing} cannot bill a failed booking`,
    );
    await expect(record.locator('.dlq-info .original').textContent()).resolves.toMatch(
      new RegExp(`^${topic} p\\d @ \\d+`),
    );
    // the original bytes: Confluent framing (magic byte 0, then the schema ID) in hex
    await expect(record.locator('.bytes .hex').textContent()).resolves.toMatch(/^00 00 00 00 [0-9a-f]{2} /);
    await expect(record.locator('.vtree').textContent()).resolves.toContain(`FAIL-${tag}`);
    await expect(page.locator('.replay .replay-command').textContent()).resolves.toBe(
      `npm run contracts -- dlq replay ${topic} --group ${billing} --reason handler-failed`,
    );
    await shot('dead-letters');
    // the original coordinates lead to the message itself
    await record.locator('.dlq-info .original a').click();
    await drawn();
    await expect(page.locator('.records article.event').first().getAttribute('data-event-type')).resolves.toBe(
      'booking.failed',
    );
  });

  it("answers only to loopback names and refuses a write that is not this page's", async () => {
    for (const path of [
      '/api/overview',
      `/api/groups/${reporting}`,
      `/api/topics/${topic}/messages`,
      `/api/topics/${topic}/dead-letters`,
    ]) {
      await expect(request('GET', path, 'attacker.example')).resolves.toBe(403);
      // no Origin naming this server: refused before any route (test/unit/ui/access.test.ts has the rest)
      await expect(request('POST', path)).resolves.toBe(403);
      await expect(request('DELETE', path)).resolves.toBe(403);
    }
  });
});
