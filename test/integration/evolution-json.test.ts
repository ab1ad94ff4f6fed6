/**
 * The schema-evolution walkthrough for a JSON Schema topic, on the real stack, with the JSON
 * fixture contracts (closed objects, BACKWARD_TRANSITIVE): v2 of booking.created adds an optional
 * property; v1 and v2 services read each other's events and nothing is dead-lettered (each message
 * is validated against its writer's schema, then projected onto the reader's contract); an
 * incompatible change is refused offline (`check --against`) and by the registry (`register`).
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopicContract } from '../../src';
import { ROOT } from '../support/bookings-samples';
import { evolutionProject, exchangeEvents, type EvolutionProject } from '../support/evolution';

jest.setTimeout(180_000);

const id = randomBytes(4).toString('hex');
// JSON subjects are <subjectNamespace>.<title>, the namespace defaults to the topic: both this test's own
const topic = `bookings-evo-json-${id}`;
const createdSchema = () => join(dir, 'schemas', 'json', 'booking-created.schema.json');
let dir: string;
let project: EvolutionProject;
const cli = (args: string[]) => project.cli(args);

beforeAll(() => {
  // inside the clone: the generated validators import ajv's runtime from its node_modules
  mkdirSync(join(ROOT, '.scratch'), { recursive: true });
  dir = mkdtempSync(join(ROOT, '.scratch', 'evolution-json-'));
  cpSync(join(ROOT, 'schemas', 'json'), join(dir, 'schemas', 'json'), { recursive: true });
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/configs/bookings-json.config.json'), 'utf8'));
  const local = (path: string) => path.replace('../../../', '');
  const [bookings] = fixture.topics;
  const config = {
    runtimeImport: join(ROOT, 'src', 'contract'),
    topics: [
      {
        ...bookings,
        name: topic,
        value: local(bookings.value),
        references: bookings.references.map(local),
        events: bookings.events.map((e: { type: string; schema: string }) => ({ ...e, schema: local(e.schema) })),
        deadLetterTopic: `${topic}.dlq`,
        partitions: 1,
      },
    ],
  };
  writeFileSync(join(dir, 'contracts.config.json'), JSON.stringify(config, null, 2));
  project = evolutionProject(dir, topic);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schema evolution of booking.created on a JSON Schema topic', () => {
  let v1: TopicContract;
  let v2: TopicContract;

  it('v1 registers', () => {
    v1 = project.generate('gen-v1');
    expect(v1.format).toBe('JSON');
    expect(v1.compatibility).toBe('BACKWARD_TRANSITIVE');
    expect(cli(['register']).status).toBe(0);
    project.commit('v1');
  });

  it('v2 adds an optional property: compatible offline and with the registry, and registers', () => {
    copyFileSync(join(ROOT, 'examples', 'evolution', 'booking-created.v2.schema.json'), createdSchema());
    expect(cli(['check', '--against', 'HEAD']).status).toBe(0);
    expect(cli(['check', '--registry']).status).toBe(0);
    expect(cli(['register']).status).toBe(0);
    v2 = project.generate('gen-v2');
    expect(readFileSync(join(dir, 'gen-v2', topic, 'types.ts'), 'utf8')).toMatch(/promoCode\?: string \| null/);
  });

  it('a v1 consumer reads v2 events and a v2 consumer reads v1 events; nothing is dead-lettered', async () => {
    const base = { userId: 'u1', type: 'hotel', itemId: 'H1', data: { price: { amountMinor: 100, currency: 'EUR' } } };
    const { received, deadLettered } = await exchangeEvents({
      groupPrefix: `evolution-json-${id}`,
      // a v1 pass-through service that forwards whole events keeps what it does not know
      readers: { v1: { contract: v1 }, v2: { contract: v2 }, keep: { contract: v1, unknownProperties: 'keep' } },
      writers: [v1, v2],
      expected: 2,
      send: async ([fromV1, fromV2]) => {
        await fromV1!.publish('booking.created', { ...base, bookingId: 'from-v1' } as never);
        // the v1 producer keeps validating against its own contract: it cannot send the v2 property
        await expect(
          fromV1!.publish('booking.created', {
            ...base,
            bookingId: 'v1-with-promo',
            data: { ...base.data, promoCode: 'X' },
          } as never),
        ).rejects.toMatchObject({ code: 'EVENT_INVALID' });
        await fromV2!.publish('booking.created', {
          ...base,
          bookingId: 'from-v2',
          data: { ...base.data, promoCode: 'WINTER' },
        } as never);
      },
    });
    expect(deadLettered).toEqual([]);
    const data = (name: string, bookingId: string) =>
      received[name]!.find((e) => e.bookingId === bookingId)?.data as Record<string, unknown> | undefined;
    // the v1 reader never sees the property it does not know
    expect(data('v1', 'from-v2')).toEqual(base.data);
    expect(data('v1', 'from-v1')).toEqual(base.data);
    // the v2 reader reads v1 data: the optional property is absent, as it was written
    expect(data('v2', 'from-v1')).toEqual(base.data);
    expect(data('v2', 'from-v2')?.promoCode).toBe('WINTER');
    // unknownProperties: 'keep' passes it through to a v1 handler
    expect(data('keep', 'from-v2')?.promoCode).toBe('WINTER');
  });

  it('an incompatible change is refused by check --against and by the registry', () => {
    project.commit('v2');
    copyFileSync(join(ROOT, 'examples', 'evolution', 'booking-created.breaking.schema.json'), createdSchema());

    const offline = cli(['check', '--against', 'HEAD']);
    expect(offline.status).toBe(1);
    expect(offline.out).toContain('TYPE_CHANGED');
    expect(offline.out).toContain(`${topic}.BookingCreated`);
    expect(offline.out).toContain('quantity');

    const registry = cli(['register']);
    expect(registry.status).not.toBe(0);
    expect(registry.out).toMatch(/incompatible/i);
    expect(registry.out).toContain(`${topic}.BookingCreated`);
  });
});
