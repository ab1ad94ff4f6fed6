/**
 * `contracts ui` in a real browser (Debian's Chromium driven by playwright-core) against the real
 * stack: the page loads, search and keyboard navigation find a subject, the diff of a breaking
 * change shows the checker's finding, a produced event and a dead letter appear in the live tail,
 * and a registry that is down is named on the page. Screenshots go to test-artifacts/ui/.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { parseAvroSchemas } from '../../../src/formats/avro/types';
import { loadConfig } from '../../../src/config';
import { deadLetterHeaders } from '../../../src/dlq/headers';
import { bookingsContract } from '../../../src/generated/bookings';
import { createProducer } from '../../../src/producer';
import { withReferences } from '../../../src/registry';
import { createUiServer, type UiServer } from '../../../src/ui';
import { encodeFrame } from '../../../src/wire';
import { ARTIFACTS, launchChromium } from '../../support/chromium';
import { bookingEvents, bookingInputs } from '../../support/bookings-fixtures';
import { setUpTopic, type ItContext } from '../../support/it-helpers';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..', '..');

const orderV1 = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'shop.ui',
  doc: 'An order was placed.',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amountMinor', type: 'long' },
    { name: 'placedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};
// a field without a default: consumers on v2 cannot read v1 events (BACKWARD breaks)
const orderV2 = {
  ...orderV1,
  fields: [...orderV1.fields, { name: 'channel', type: 'string', doc: 'Where the order came from.' }],
};

// compatible at every level: an optional field with a default
const orderWithPromo = {
  ...orderV1,
  fields: [...orderV1.fields, { name: 'promoCode', type: ['null', 'string'], default: null }],
};

let ctx: ItContext<typeof bookingsContract>;
let ui: UiServer;
let browser: Browser;
let page: Page;
let subject: string;
let promoSubject: string;
let jsonSubject: string;

beforeAll(async () => {
  ctx = await setUpTopic('ui-it');
  subject = `ui-it-${randomBytes(4).toString('hex')}-orders-value`;
  // The subject's own level is FORWARD, which v2 (a field added without a default) meets and
  // BACKWARD does not. (Not NONE: Apicurio 3.0.9 answers NONE for "no subject level" and checks at
  // the global level, so the UI rightly shows the global level there.)
  await ctx.registry.register(subject, { schema: JSON.stringify(orderV1) });
  await ctx.registry.setCompatibility('FORWARD', subject);
  await ctx.registry.register(subject, { schema: JSON.stringify(orderV2) });
  promoSubject = `ui-it-${randomBytes(4).toString('hex')}-promo-value`;
  await ctx.registry.register(promoSubject, { schema: JSON.stringify(orderV1) });
  await ctx.registry.register(promoSubject, { schema: JSON.stringify(orderWithPromo) });
  // a JSON Schema subject with a long name: its sidebar row must still show the version and ID
  jsonSubject = `ui-it-${randomBytes(4).toString('hex')}.travel.bookings.OrderPlacedWithAVeryLongTitle`;
  await ctx.registry.register(jsonSubject, {
    schemaType: 'JSON',
    schema: JSON.stringify({ type: 'object', title: 'OrderPlaced', properties: { orderId: { type: 'string' } } }),
  });
  ui = await createUiServer({
    port: 0,
    registry: ctx.env.registryUrl,
    brokers: ctx.env.brokers,
    topic: ctx.contract.topic,
    config: loadConfig(join(ROOT, 'contracts.config.json')),
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await ui?.close();
});

const shot = (name: string, target: Page = page) => target.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

describe('contracts ui in Chromium', () => {
  it('loads the subject list from the registry', async () => {
    await page.goto(`${ui.url}/#/subjects`);
    await page.locator('.row').first().waitFor();
    await expect(page.locator('#count').textContent()).resolves.toMatch(/^\d+ subjects?$/);
    await expect(page.locator('#conn').textContent()).resolves.toContain(ctx.env.registryUrl);
    // the page before a subject is picked: every subject with its format, versions and level
    await expect(page.locator('#detail .summary h2').textContent()).resolves.toMatch(/^\d+ subjects?$/);
    await expect(page.locator('#detail .summary tbody tr', { hasText: subject }).textContent()).resolves.toContain(
      'v2 · ID',
    );
    await shot('subjects');
  });

  it('finds a subject by search and opens it with the keyboard', async () => {
    await page.keyboard.press('/');
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('search');
    await page.keyboard.type(subject.slice(0, 18));
    await page.waitForFunction("document.querySelectorAll('.row').length === 1");
    await expect(page.locator('.row .row-name').textContent()).resolves.toBe(subject);
    await expect(page.locator('#count').textContent()).resolves.toMatch(/^1 of \d+ subjects$/);
    await page.keyboard.press('Enter');
    await page.locator('#detail h2', { hasText: subject }).waitFor();
    await expect(page.locator('.versions .chip').count()).resolves.toBe(2);
    await expect(page.locator('#detail .subhead').textContent()).resolves.toMatch(/FORWARD(?! \(global)/);
    await page.locator('#detail .code').waitFor();
    await shot('schema');
    // j/k move in the list without the search box
    await page.fill('#search', '');
    await page.keyboard.press('Escape');
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('list');
    const selected = () => page.locator('.row.selected .row-name').textContent();
    await expect(selected()).resolves.toBe(subject);
    // k moves up (unless the subject is first), j moves back down
    await page.keyboard.press('k');
    if ((await selected()) === subject) {
      await page.keyboard.press('j');
      await expect(selected()).resolves.not.toBe(subject);
      await page.keyboard.press('k');
    } else {
      await page.keyboard.press('j');
    }
    await expect(selected()).resolves.toBe(subject);
  });

  it('shows a JSON Schema subject row whole: version and ID are never cut off', async () => {
    await page.goto(`${ui.url}/#/subjects`);
    await page.fill('#search', jsonSubject);
    await page.waitForFunction("document.querySelectorAll('.row').length === 1");
    const version = page.locator('.row .row-version');
    await expect(version.textContent()).resolves.toMatch(/^v1 · ID \d+$/);
    const [box, row] = await Promise.all([version.boundingBox(), page.locator('.row').boundingBox()]);
    expect(box!.x + box!.width).toBeLessThanOrEqual(row!.x + row!.width);
    const clipped = await version.evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(clipped).toBe(false);
    await shot('sidebar-json');
    await page.fill('#search', '');
  });

  it('shows the diff of a breaking change with the rule that it breaks', async () => {
    await page.goto(`${ui.url}/#/subjects?s=${encodeURIComponent(subject)}&tab=diff`);
    await page.locator('.verdict').waitFor();
    // at the subject's own level (FORWARD) the change is compatible
    await expect(page.locator('.verdict').getAttribute('data-verdict')).resolves.toBe('compatible');
    await page.selectOption('#diff-level', 'BACKWARD');
    await page.locator('.verdict[data-verdict="incompatible"]').waitFor();
    await expect(page.locator('.verdict').textContent()).resolves.toContain('Breaks BACKWARD: 1 breaking change');
    const finding = page.locator('.finding.breaking').first();
    await expect(finding.getAttribute('data-rule')).resolves.toBe('FIELD_ADDED_WITHOUT_DEFAULT');
    await expect(finding.textContent()).resolves.toContain('channel');
    await expect(page.locator('table.diff tr.added td.r', { hasText: '"channel"' }).count()).resolves.toBe(1);
    await expect(page.locator('table.diff tr.flag-right').count()).resolves.toBeGreaterThan(0);
    // the finding's `names` are code, not literal backticks
    await expect(finding.locator('p').first().textContent()).resolves.not.toContain('`');
    await expect(finding.locator('p code').count()).resolves.toBeGreaterThan(0);
    await shot('diff');
  });

  it('lists the changes of a compatible diff as the CLI does (a field added with a default)', async () => {
    await page.goto(`${ui.url}/#/subjects?s=${encodeURIComponent(promoSubject)}&tab=diff`);
    await page.locator('.verdict[data-verdict="compatible"]').waitFor();
    const change = page.locator('.finding[data-change="FIELD_ADDED"]');
    await expect(change.count()).resolves.toBe(1);
    await expect(change.textContent()).resolves.toContain('promoCode');
    await expect(change.textContent()).resolves.toContain('with default null');
    await expect(change.textContent()).resolves.not.toContain('`');
    await expect(page.locator('#detail').textContent()).resolves.not.toContain('No differences');
    await expect(page.locator('table.diff tr.added td.r', { hasText: '"promoCode"' }).count()).resolves.toBe(1);
    await shot('diff-compatible');
  });

  it('shows the TypeScript codegen produces for a version', async () => {
    await page.goto(`${ui.url}/#/subjects?s=${encodeURIComponent(subject)}`);
    await page.locator('#detail h2', { hasText: subject }).waitFor();
    // the keys act on the page, not on the diff's form fields the last test left focused
    await page.locator('#detail h2').click();
    await page.keyboard.press('t');
    await page.locator('#detail .code', { hasText: 'export interface OrderPlaced' }).waitFor();
    const code = await page.locator('#detail .code').textContent();
    expect(code).toContain('placedAt: Date;');
    expect(code).toContain('channel: string;');
    await shot('typescript');
  });

  it('streams a produced event and a dead letter into the live tail', async () => {
    await page.goto(`${ui.url}/#/tail`);
    await page.locator('#pane-topic .pill[data-state="live"]').waitFor({ timeout: 60_000 });
    await page.locator('#pane-dlq .pill[data-state="live"]').waitFor({ timeout: 60_000 });
    const bookingId = `UI-${randomBytes(3).toString('hex')}`;
    const producer = createProducer({
      contract: ctx.contract,
      brokers: ctx.env.brokers,
      registry: ctx.registry,
      source: 'ui-test',
    });
    await producer.connect();
    try {
      await producer.publish('booking.created', bookingInputs(bookingId)['booking.created']);
    } finally {
      await producer.disconnect();
    }
    await sendDeadLetter(bookingId);
    const event = page.locator('#pane-topic article.event', { hasText: bookingId });
    await event.waitFor({ timeout: 30_000 });
    await expect(event.getAttribute('data-event-type')).resolves.toBe('booking.created');
    await expect(event.textContent()).resolves.toContain(`${ctx.contract.topic}-value v`);
    const dead = page.locator('#pane-dlq article.event.dead', { hasText: bookingId });
    await dead.waitFor({ timeout: 30_000 });
    await expect(dead.textContent()).resolves.toContain('HANDLER_FAILED');
    await expect(dead.textContent()).resolves.toContain('booking.failed');
    // named by the original topic's subject, though other subjects hold the same schema ID
    await expect(dead.textContent()).resolves.toContain(`${ctx.contract.topic}-value v`);
    await shot('tail');
  });

  it('names the registry that does not answer, and a topic that does not exist', async () => {
    const port = await closedPort();
    const down = await createUiServer({
      port: 0,
      registry: `http://127.0.0.1:${port}/apis/ccompat/v7`,
      brokers: ctx.env.brokers,
      topic: `ui-it-missing-${randomBytes(3).toString('hex')}`,
    });
    const other = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      // the overview still shows Kafka, and says that the registry's half is missing
      await other.goto(down.url);
      const missing = other.locator('.overview .state.error[data-error-code="REGISTRY_UNREACHABLE"]');
      await missing.waitFor({ timeout: 20_000 });
      await other.goto(`${down.url}/#/subjects`);
      const card = other.locator('#detail .state.error');
      await card.waitFor({ timeout: 20_000 });
      await expect(card.getAttribute('data-error-code')).resolves.toBe('REGISTRY_UNREACHABLE');
      const text = (await card.textContent()) ?? '';
      expect(text.toLowerCase()).toContain('registry unreachable');
      expect(text).toContain(`http://127.0.0.1:${port}/apis/ccompat/v7`);
      await shot('registry-down', other);
      await other.goto(`${down.url}/#/tail`);
      await other.locator('#pane-topic .state[data-state="topic-missing"]').waitFor({ timeout: 30_000 });
      await shot('topic-missing', other);
    } finally {
      await other.close();
      await down.close();
    }
  });
});

/** A record on the dead-letter topic as the consumer writes it: the original bytes plus the dlq.* headers. */
async function sendDeadLetter(bookingId: string): Promise<void> {
  const valueSubject = `${ctx.contract.topic}-value`;
  const registered = await ctx.registry.getSubjectVersion(valueSubject, 'latest');
  const all = await withReferences(ctx.registry, registered);
  const { types } = parseAvroSchemas(all.map((s) => JSON.parse(s.schema) as unknown));
  const union = types[types.length - 1]!;
  const failed = bookingEvents(bookingId)['booking.failed'];
  const value = encodeFrame(registered.id, union.toBuffer({ 'travel.bookings.BookingFailed': failed }));
  const kafka = new Kafka({ clientId: 'ui-it-dlq', brokers: ctx.env.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: ctx.contract.deadLetterTopic,
      messages: [
        {
          key: bookingId,
          value,
          headers: deadLetterHeaders({
            originalTopic: ctx.contract.topic,
            originalPartition: 0,
            originalOffset: '42',
            originalTimestamp: String(Date.now()),
            reason: 'handler-failed',
            errorClass: 'HandlerError',
            errorCode: 'HANDLER_FAILED',
            errorMessage: 'the handler of booking.failed failed after 3 attempt(s): Error: billing is down',
            attempts: 3,
            eventType: 'booking.failed',
            consumerGroup: 'billing-service-group',
            deadLetteredAt: new Date().toISOString(),
          }),
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
}

function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
