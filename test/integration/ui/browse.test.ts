/**
 * Finding one's way in `contracts ui`, in Chromium against the real stack, for a project that is
 * not the bookings one (the temp project's orders contract): every topic of the cluster on the
 * overview (a topic only the cluster knows, its dead-letter topic kept with it, Kafka's internal
 * topics only when asked), search and sort of the topic cards (the search box keeps its text and
 * focus across the 5 s refresh), the live events switched to another topic, the finder's set
 * filters standing out from its empty ones, whose examples come from this project's records.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Page } from 'playwright-core';
import { createContractProducers } from '../../../src/actions';
import { loadConfig, type ContractsConfig } from '../../../src/config';
import { createSchemaRegistryClient } from '../../../src/registry';
import type { UiServer } from '../../../src/ui';
import { ARTIFACTS, startUiInChromium } from '../../support/chromium';
import { createProject, type TempProject } from '../../support/contract-project';
import { stackEnv } from '../../support/stack-env';
import { runCli } from '../../support/temp-project';

jest.setTimeout(180_000);

const tag = randomBytes(4).toString('hex');
const loner = `loner-${tag}`;
let p: TempProject;
let config: ContractsConfig;
let kafka: Kafka;
let ui: UiServer;
let close: (() => Promise<void>) | undefined;
let page: Page;

beforeAll(async () => {
  p = createProject({ topic: `browse-${tag}`, namespace: `it.browse${tag}` });
  const applied = runCli(['apply'], p.dir);
  expect(applied.status).toBe(0);
  config = loadConfig(p.configFile);
  const env = stackEnv();
  kafka = new Kafka({ clientId: 'ui-browse', brokers: env.brokers, logLevel: logLevel.NOTHING });
  // three orders of this project's contract, through the kit's typed producer
  const producers = createContractProducers({
    config,
    registry: createSchemaRegistryClient({ url: env.registryUrl }),
    kafka: () => kafka,
  });
  try {
    for (const [i, carrier] of ['DHL', 'UPS', 'DHL'].entries())
      await producers.produce({
        topic: p.topic,
        eventType: 'order.shipped',
        payload: { bookingId: `ORDER-${tag}-${i}`, carrier },
        dryRun: false,
      });
  } finally {
    await producers.close();
  }
  // a topic only the cluster knows, with a dead-letter topic of its own
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: loner }, { topic: `${loner}.dlq` }], waitForLeaders: true });
    // a commit, so that Kafka's internal __consumer_offsets exists on a fresh stack
    await admin.setOffsets({ groupId: `browse-${tag}`, topic: loner, partitions: [{ partition: 0, offset: '0' }] });
  } finally {
    await admin.disconnect();
  }
  ({ ui, page, close } = await startUiInChromium({ registry: env.registryUrl, brokers: env.brokers, config }));
});

afterAll(async () => {
  await close?.();
  p?.cleanup();
});

const card = (topic: string) => page.locator(`.topic-card[data-topic="${topic}"]`);
const shown = () =>
  page.locator('.topic-cards .topic-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-topic')));

describe('the overview', () => {
  it('shows every topic of the cluster: one only the cluster knows, without its dead-letter topic; internal ones when asked', async () => {
    await page.goto(`${ui.url}/#/overview`);
    await card(loner).waitFor({ timeout: 30_000 });
    await expect(card(loner).locator('[data-source="cluster"]').textContent()).resolves.toBe('on the cluster only');
    await expect(card(p.topic).locator('[data-source="config"]').count()).resolves.toBe(1);
    const topics = await shown();
    expect(topics).not.toContain(`${loner}.dlq`);
    expect(topics).not.toContain(`${p.topic}.dlq`);
    expect(topics.some((t) => t?.startsWith('__'))).toBe(false);
    await page.check('#show-internal');
    await card('__consumer_offsets').waitFor();
    expect(new URL(page.url()).hash).toBe('#/overview?internal=1');
    await page.uncheck('#show-internal');
    await page.locator('#monitor[data-rendered="#/overview"]').waitFor();
    await expect(card('__consumer_offsets').count()).resolves.toBe(0);
  });

  it('searches and sorts the topic cards, and keeps the search across the refresh', async () => {
    await page.fill('#topic-search', tag);
    await expect(shown()).resolves.toEqual([p.topic, loner]);
    await expect(page.locator('#topic-count').textContent()).resolves.toMatch(/^2 of \d+ topics$/);
    await page.selectOption('#topic-sort', 'name');
    await expect(shown()).resolves.toEqual([p.topic, loner].sort());
    await page.selectOption('#topic-sort', 'messages');
    await expect(shown()).resolves.toEqual([p.topic, loner]); // 3 orders, then none
    // the overview redraws every 5 s: the box keeps its text, its focus and the filter
    await page.focus('#topic-search');
    await page.waitForTimeout(6000);
    await page.keyboard.type(' loner');
    await expect(page.locator('#topic-search').inputValue()).resolves.toBe(`${tag} loner`);
    await expect(shown()).resolves.toEqual([loner]);
    expect(new URL(page.url()).hash).toBe(`#/overview?q=${tag}+loner&sort=messages`);
    await page.screenshot({ path: join(ARTIFACTS, 'overview-search.png') });
  });
});

describe('the live events', () => {
  it('follow the topic picked in the switch, and its dead-letter topic', async () => {
    await page.goto(`${ui.url}/#/tail`);
    await expect(page.locator('#tail-topic').inputValue()).resolves.toBe(p.topic);
    await page.locator('#pane-topic .event').first().waitFor({ timeout: 30_000 });
    await page.fill('#tail-topic', loner);
    await page.click('#tail-follow');
    await page.waitForURL(`**/#/tail?t=${loner}`);
    await expect(page.locator('#pane-topic .tail-head code').textContent()).resolves.toBe(loner);
    await page.locator('#pane-topic [data-state="live"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('#pane-dlq .tail-head code').textContent()).resolves.toBe(`${loner}.dlq`);
    await expect(page.locator('#pane-topic .event').count()).resolves.toBe(0);
    // a record on the new topic shows live
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: loner, messages: [{ key: `LONER-${tag}`, value: 'not framed' }] });
    await producer.disconnect();
    await page.locator('#pane-topic .event', { hasText: `LONER-${tag}` }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'tail-switch.png') });
  });
});

describe("the finder's filters", () => {
  it('shows a set filter apart from an empty one, whose example is from this project', async () => {
    await page.goto(`${ui.url}/#/messages?t=${p.topic}&type=order.shipped`);
    await page.locator(`#monitor[data-rendered="#/messages?t=${p.topic}&type=order.shipped"]`).waitFor();
    const style = (name: string) =>
      page.locator(`#finder input[name="${name}"]`).evaluate((el) => {
        // runs in the page (this file is compiled without the DOM's types)
        const { getComputedStyle } = globalThis as unknown as {
          getComputedStyle(e: unknown): { fontWeight: string; backgroundColor: string; borderColor: string };
        };
        const s = getComputedStyle(el);
        return { weight: s.fontWeight, background: s.backgroundColor, border: s.borderColor };
      });
    const set = await style('type');
    const empty = await style('path');
    expect(set.weight).toBe('600');
    expect(empty.weight).toBe('400');
    expect(set.background).not.toBe(empty.background);
    expect(set.border).not.toBe(empty.border);
    // the examples are this topic's: its event type and a field of its records, never the bookings'
    const placeholders = await page
      .locator('#finder input')
      .evaluateAll((els) =>
        Object.fromEntries(els.map((e) => [e.getAttribute('name'), e.getAttribute('placeholder')])),
      );
    expect(placeholders.key).toMatch(new RegExp(`^e\\.g\\. ORDER-${tag}-\\d$`));
    expect(placeholders.path).toBe('e.g. bookingId');
    // (bookingId is this project's own key field; the bookings project's types and fields are not here)
    expect(JSON.stringify(placeholders)).not.toMatch(/booking\.|promoCode|data\./);
    await page.screenshot({ path: join(ARTIFACTS, 'finder-filters.png') });
  });
});
