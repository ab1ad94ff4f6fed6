/**
 * The operator's actions of `contracts ui` in Chromium against the real stack, signed in from a
 * users file: resetting a group's offsets (preview old → new per partition, then applied; refused
 * by name while the group has a member), replaying one group's dead letters of one reason (the
 * operation of `contracts dlq replay`), producing an event from the form its schema generates
 * (the typed producer's dry run: key, headers, schema ID; then the same event sent), and every
 * write route refused for a viewer and for a foreign Origin. Each step is in the audit log.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Consumer as KafkaConsumer } from 'kafkajs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../../src/config';
import { createConsumer } from '../../../src/consumer';
import type { bookingsContract } from '../../../src/generated/bookings';
import { createProducer } from '../../../src/producer';
import { createUiServer, type UiServer } from '../../../src/ui';
import { bookingInputs } from '../../support/bookings-fixtures';
import { ARTIFACTS, launchChromium } from '../../support/chromium';
import { consumerBase, endOffsetSum, readRecords, setUpTopic, waitFor, type ItContext } from '../../support/it-helpers';
import { writeUsersFile } from '../../support/ui-users';

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '..', '..', '..');
const tag = randomBytes(3).toString('hex');
const idle = `act-idle-${tag}`;
const busy = `act-busy-${tag}`;
const failing = `act-dlq-${tag}`;
const audit = join(mkdtempSync(join(tmpdir(), 'contracts-ui-actions-')), 'audit.jsonl');

let ctx: ItContext<typeof bookingsContract>;
let topic: string;
let ui: UiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let running: KafkaConsumer | undefined;

async function committed(group: string): Promise<Record<number, string>> {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries((t?.partitions ?? []).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

async function ends(): Promise<Record<number, string>> {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    return Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  } finally {
    await admin.disconnect();
  }
}

async function signIn(name: string, password: string): Promise<void> {
  await page.goto(`${ui.url}/login`);
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.locator('#who').filter({ hasText: name }).waitFor();
}

/** Opens a monitor view and waits for its draw. */
async function open(hash: string): Promise<void> {
  await page.goto(`${ui.url}/${hash}`);
  await page.locator(`#monitor[data-rendered="${hash}"]`).waitFor();
}

beforeAll(async () => {
  ctx = await setUpTopic('ui-act');
  topic = ctx.contract.topic;
  const producer = createProducer({ contract: ctx.contract, brokers: ctx.env.brokers, registry: ctx.registry });
  await producer.connect();
  try {
    for (let i = 1; i <= 6; i++)
      await producer.publish('booking.created', bookingInputs(`ACT-${tag}-${i}`)['booking.created']);
    await producer.publish('booking.failed', bookingInputs(`ACT-${tag}-F`)['booking.failed']);
  } finally {
    await producer.disconnect();
  }
  // an idle group that committed at the end of every partition, and one with a running member
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
    await admin.setOffsets({ groupId: idle, topic, partitions });
  } finally {
    await admin.disconnect();
  }
  running = ctx.kafka.consumer({ groupId: busy });
  await running.connect();
  await running.subscribe({ topics: [topic], fromBeginning: true });
  await running.run({ eachMessage: async () => undefined });
  // a group whose handler fails booking.failed: one dead letter, reason handler-failed
  const consumer = createConsumer({
    ...consumerBase(ctx, failing),
    retry: { attempts: 1, initialDelayMs: 10 },
    handlers: {
      'booking.created': async () => undefined,
      'booking.confirmed': async () => undefined,
      'booking.cancelled': 'ignore',
      'booking.failed': async () => {
        throw new Error('cannot handle a failed booking');
      },
    },
  });
  await consumer.start();
  await waitFor(async () => (await endOffsetSum(ctx.kafka, ctx.contract.deadLetterTopic)) >= 1n, 'a dead letter');
  await consumer.stop();

  const repo = loadConfig(join(ROOT, 'contracts.config.json'));
  const bookings = repo.topics.find((t) => t.name === 'bookings')!;
  const config = {
    ...repo,
    topics: [{ ...bookings, name: topic, deadLetterTopic: ctx.contract.deadLetterTopic, partitions: 3 }],
  };
  const users = writeUsersFile([
    { name: 'ana', role: 'operator', password: 'ana pass phrase' },
    { name: 'vic', role: 'viewer', password: 'vic pass phrase' },
  ]);
  ui = await createUiServer({
    port: 0,
    registry: ctx.env.registryUrl,
    brokers: ctx.env.brokers,
    topic,
    config,
    users,
    auditLog: audit,
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

afterAll(async () => {
  await running?.disconnect().catch(() => undefined);
  await browser?.close();
  await ui?.close();
});

describe("an operator's offset reset", () => {
  it('previews old → new per partition, changes nothing, then applies it', async () => {
    await signIn('ana', 'ana pass phrase');
    const before = await committed(idle);
    await open(`#/groups?g=${idle}`);
    await page.click('#reset-offsets');
    const dialog = page.locator('.action-dialog[data-action="reset-offsets"]');
    await expect(dialog.locator('input[name="topic"]').inputValue()).resolves.toBe(topic);
    await dialog.locator('select[name="to"]').selectOption('earliest');
    await dialog.locator('[data-step="preview"]').click();
    await dialog.locator('.action-preview').waitFor();
    const rows = await dialog
      .locator('[data-table="offset-plan"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual(
      Object.entries(before).map(([p, offset]) => [p, offset, offset === '0' ? '=' : '→', '0', `0 – ${offset}`]),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'reset-offsets-preview.png') });
    expect(await committed(idle)).toEqual(before); // the dry run moved nothing
    await dialog.locator('[data-step="apply"]').click();
    await dialog.locator('.action-result').waitFor();
    expect(await committed(idle)).toEqual(Object.fromEntries(Object.keys(before).map((p) => [p, '0'])));
    await dialog.locator('[data-step="done"]').click();
  });

  it('moves one partition to a given offset, and every partition to a time', async () => {
    const end = await ends();
    const partition = Number(Object.entries(end).find(([, high]) => Number(high) >= 2)![0]);
    await open(`#/groups?g=${idle}`);
    await page.click('#reset-offsets');
    const dialog = page.locator('.action-dialog[data-action="reset-offsets"]');
    await dialog.locator('select[name="to"]').selectOption('offset');
    await dialog.locator('input[name="value"]').fill('1');
    await dialog.locator('input[name="partitions"]').fill(String(partition));
    await dialog.locator('[data-step="preview"]').click();
    await dialog.locator('.action-preview').waitFor();
    await expect(dialog.locator('[data-table="offset-plan"] tbody tr').count()).resolves.toBe(1);
    await dialog.locator('[data-step="apply"]').click();
    await dialog.locator('.action-result').waitFor();
    expect((await committed(idle))[partition]).toBe('1');
    // a time after every record: the end of each partition
    await dialog.locator('[data-step="done"]').click();
    await page.click('#reset-offsets');
    await dialog.locator('select[name="to"]').selectOption('timestamp');
    await dialog.locator('input[name="value"]').fill(new Date(Date.now() + 3_600_000).toISOString());
    await dialog.locator('[data-step="preview"]').click();
    await dialog.locator('.action-preview').waitFor();
    await dialog.locator('[data-step="apply"]').click();
    await dialog.locator('.action-result').waitFor();
    expect(await committed(idle)).toEqual(end);
    await dialog.locator('[data-step="done"]').click();
  });

  it('is refused while the group has a member, naming the group and the member', async () => {
    const before = await committed(busy);
    await open(`#/groups?g=${busy}`);
    await page.click('#reset-offsets');
    const dialog = page.locator('.action-dialog[data-action="reset-offsets"]');
    await dialog.locator('input[name="topic"]').fill(topic);
    await dialog.locator('select[name="to"]').selectOption('earliest');
    await dialog.locator('[data-step="preview"]').click();
    const error = dialog.locator('.action-error[data-error-code="GROUP_NOT_EMPTY"]');
    await error.waitFor();
    const text = await error.textContent();
    expect(text).toContain(`consumer group "${busy}" is Stable with 1 member (ui-act`);
    expect(text).toContain('reset only while it is empty');
    await expect(dialog.locator('[data-step="apply"]').count()).resolves.toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'reset-offsets-refused.png') });
    expect(await committed(busy)).toEqual(before);
    await dialog.locator('[data-step="cancel"]').click();
  });
});

describe("an operator's dead-letter replay", () => {
  it('counts what goes back and where, then replays it once', async () => {
    const before = await endOffsetSum(ctx.kafka, topic);
    await open(`#/dead-letters?t=${topic}&g=${failing}&r=handler-failed`);
    await page.click('#replay');
    const dialog = page.locator('.action-dialog[data-action="replay"]');
    await dialog.locator('[data-step="preview"]').click();
    await expect(dialog.locator('.replay-count').textContent()).resolves.toBe('1 record would go back');
    await expect(dialog.locator('.replay-plan').textContent()).resolves.toContain(
      `to ${topic} for ${failing} (reason handler-failed)`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'replay-preview.png') });
    expect(await endOffsetSum(ctx.kafka, topic)).toBe(before);
    await dialog.locator('[data-step="apply"]').click();
    await expect(dialog.locator('.action-result .replay-count').textContent()).resolves.toBe('1 record went back');
    await dialog.locator('[data-step="done"]').click();
    // the copy and its transaction marker
    await waitFor(async () => (await endOffsetSum(ctx.kafka, topic)) > before, 'the replayed copy');
    await open(`#/dead-letters?t=${topic}&g=${failing}&r=handler-failed`);
    await page.click('#replay');
    await dialog.locator('[data-step="preview"]').click();
    await expect(dialog.locator('.replay-count').textContent()).resolves.toBe('0 records would go back');
    await expect(dialog.locator('.action-preview').getAttribute('data-changes')).resolves.toBe('false');
    await expect(dialog.locator('[data-step="apply"]').count()).resolves.toBe(0);
    await dialog.locator('[data-step="cancel"]').click();
  });
});

describe('an operator produces an event from its schema', () => {
  const bookingId = `ACT-${tag}-UI`;
  /** Opens the produce dialog of the topic's messages page and fills a booking.created (quantity left to its default). */
  const openFilled = async () => {
    await open(`#/messages?t=${topic}`);
    await page.click('#produce');
    const dialog = page.locator('.action-dialog[data-action="produce"]');
    await dialog.locator('select[name="eventType"]').selectOption('booking.created');
    await dialog.locator('input[name="bookingId"]').fill(bookingId);
    await dialog.locator('input[name="userId"]').fill('user-ui');
    await dialog.locator('select[name="type"]').selectOption('hotel');
    await dialog.locator('input[name="itemId"]').fill('HOTEL-1');
    await dialog.locator('input[name="data.price.amountMinor"]').fill('4200');
    await dialog.locator('input[name="data.price.currency"]').fill('EUR');
    return dialog;
  };

  it('refuses what does not fit the contract with the typed producer’s error', async () => {
    const dialog = await openFilled();
    await dialog.locator('input[name="data.price.currency"]').fill('');
    await dialog.locator('[data-step="preview"]').click();
    // data.price.currency is required and empty
    const error = dialog.locator('.action-error[data-error-code="EVENT_INVALID"]');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('currency');
    await dialog.locator('[data-step="cancel"]').click();
  });

  it('previews the encoded record (key, headers, schema ID) without sending, then sends that event', async () => {
    const before = await endOffsetSum(ctx.kafka, topic);
    const dialog = await openFilled();
    await dialog.locator('input[name="data.quantity"]').fill('3');
    await dialog.locator('[data-step="preview"]').click();
    await dialog.locator('.action-preview').waitFor();
    const schemaId = (await ctx.registry.getSubjectVersion(`${topic}-value`, 'latest')).id;
    await expect(dialog.locator('.produce-key').textContent()).resolves.toBe(bookingId);
    await expect(dialog.locator('.produce-schema-id').textContent()).resolves.toBe(String(schemaId));
    const headers = await dialog
      .locator('[data-table="produce-headers"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(headers).toContainEqual(['event-type', 'booking.created']);
    const eventId = await dialog.locator('[data-table="produce-record"] tbody td:nth-child(4)').textContent();
    await page.screenshot({ path: join(ARTIFACTS, 'produce-preview.png') });
    expect(await endOffsetSum(ctx.kafka, topic)).toBe(before); // nothing sent
    await dialog.locator('[data-step="apply"]').click();
    await dialog.locator('.action-result').waitFor();
    await expect(dialog.locator('.action-result').textContent()).resolves.toMatch(
      /Sent booking\.created to .* partition \d+ at offset \d+/,
    );
    const records = await readRecords(ctx, topic, 9);
    const sent = records.find((r) => r.key === bookingId);
    expect(sent?.value).toMatchObject({
      eventId,
      eventType: 'booking.created',
      source: 'contracts-ui',
      userId: 'user-ui',
      type: 'hotel',
      data: { price: { amountMinor: 4200, currency: 'EUR' }, quantity: 3, flight: null },
    });
    await dialog.locator('[data-step="done"]').click();
  });
});

describe('a viewer', () => {
  it('sees no action, and every write route refuses a viewer and a foreign Origin', async () => {
    const operatorCookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const operatorCsrf = await page.evaluate(
      async () => ((await (await fetch('/api/me')).json()) as { csrf: string }).csrf,
    );
    // the viewer in a browser context of their own: the operator's session stays signed in
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn('vic', 'vic pass phrase');
    for (const hash of [
      `#/groups?g=${idle}`,
      `#/dead-letters?t=${topic}&g=${failing}&r=handler-failed`,
      `#/messages?t=${topic}`,
    ]) {
      await open(hash);
      await expect(page.locator('#reset-offsets, #replay, #produce').count()).resolves.toBe(0);
    }
    const params: Record<string, string> = { subject: `${topic}-value`, group: idle, topic };
    const writes = ui.routes.filter(
      (r) => !['GET', 'HEAD'].includes(r.method) && !['/login', '/logout'].includes(r.url),
    );
    expect(writes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'POST /api/groups/:group/offsets',
      'POST /api/subjects/:subject/draft',
      'POST /api/subjects/:subject/level',
      'POST /api/topics/:topic/dead-letters/replay',
      'POST /api/topics/:topic/produce',
    ]);
    /** POSTs that change nothing: a viewer may (the draft check reads the registry only). */
    const reads = new Set(['/api/subjects/:subject/draft']);
    const before = { offsets: await committed(idle), end: await endOffsetSum(ctx.kafka, topic) };
    const bodies = {
      dryRun: false,
      level: 'NONE',
      topic,
      to: 'earliest',
      group: failing,
      eventType: 'booking.created',
      payload: {},
    };
    for (const r of writes) {
      const path = r.url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]!));
      // the viewer, from the page itself (its own session and CSRF token)
      const asViewer = await page.evaluate(
        async ({ path, body }) => {
          const me = (await (await fetch('/api/me')).json()) as { csrf: string };
          const reply = await fetch(path, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Contracts-CSRF': me.csrf },
            body: JSON.stringify(body),
          });
          return { status: reply.status, code: ((await reply.json()) as { error?: { code: string } }).error?.code };
        },
        { path, body: bodies },
      );
      expect({ route: r.url, ...asViewer }).toEqual(
        reads.has(r.url)
          ? { route: r.url, status: 400, code: 'USAGE' }
          : { route: r.url, status: 403, code: 'FORBIDDEN_ROLE' },
      );
      // the operator's session and token, sent by another site
      const foreign = await fetch(`${ui.url}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Origin: 'http://evil.example',
          Cookie: operatorCookie,
          'X-Contracts-CSRF': operatorCsrf,
        },
        body: JSON.stringify(bodies),
      });
      expect({
        route: r.url,
        status: foreign.status,
        code: ((await foreign.json()) as { error: { code: string } }).error.code,
      }).toEqual({
        route: r.url,
        status: 403,
        code: 'FORBIDDEN_ORIGIN',
      });
    }
    expect({ offsets: await committed(idle), end: await endOffsetSum(ctx.kafka, topic) }).toEqual(before);
  });
});

describe('the audit log', () => {
  it('has each action: who, what, dry run or applied, and how it ended', () => {
    const entries = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((e) => !String(e.action).startsWith('sign-'));
    const line = (e: Record<string, unknown>) => `${e.user} ${e.action} ${e.result}${e.dryRun ? ' dry-run' : ''}`;
    expect(entries.map(line)).toEqual([
      'ana reset-offsets ok dry-run',
      'ana reset-offsets ok',
      'ana reset-offsets ok dry-run',
      'ana reset-offsets ok',
      'ana reset-offsets ok dry-run',
      'ana reset-offsets ok',
      'ana reset-offsets refused dry-run',
      'ana replay-dead-letters ok dry-run',
      'ana replay-dead-letters ok',
      'ana replay-dead-letters ok dry-run',
      'ana produce refused dry-run',
      'ana produce ok dry-run',
      'ana produce ok',
      // each route in turn: the viewer's attempt, then the operator's session sent by another site
      'vic set-level refused',
      'ana write refused',
      'vic reset-offsets refused',
      'ana write refused',
      'vic replay-dead-letters refused',
      'ana write refused',
      'vic produce refused',
      'ana write refused',
      'ana write refused', // the draft check: a viewer may, another site may not
    ]);
    expect(entries.at(-1)).toMatchObject({
      target: `POST /api/subjects/${encodeURIComponent(`${topic}-value`)}/draft`,
      detail: expect.stringMatching(/^FORBIDDEN_ORIGIN/),
    });
    expect(entries[1]).toMatchObject({
      target: `${idle} on ${topic}`,
      detail: expect.stringMatching(/^to earliest: /),
    });
    expect(entries[6]).toMatchObject({ detail: expect.stringContaining(`consumer group "${busy}"`) });
    expect(entries[8]).toMatchObject({
      detail: expect.stringMatching(new RegExp(`^1 record from ${topic}\\.dlq to ${topic} for ${failing}`)),
    });
    expect(entries[12]).toMatchObject({
      target: `${topic} booking.created`,
      detail: expect.stringContaining('schema ID'),
    });
  });
});
