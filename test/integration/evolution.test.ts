/**
 * The schema-evolution story of the README, on the real stack with the booking contracts:
 * v2 of booking.created adds an optional field; v1 and v2 services read each other's events; an
 * incompatible change is refused offline (`check --against`) and by the registry (`register`).
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopicContract } from '../../src';
import { ROOT } from '../support/bookings-samples';
import { evolutionProject, exchangeEvents, type EvolutionProject } from '../support/evolution';

jest.setTimeout(180_000);

const id = randomBytes(4).toString('hex');
const namespace = `travel.evo${id}`;
const topic = `bookings-evo-${id}`;
let dir: string;
let project: EvolutionProject;

/** The booking schemas under a namespace and topic of this test's own, so subjects don't clash. */
function useSchema(file: string, source: string): void {
  const text = readFileSync(source, 'utf8').replace(/travel\.bookings/g, namespace);
  writeFileSync(join(dir, 'schemas', 'avro', file), text);
}

const cli = (args: string[]) => project.cli(args);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'contracts-evolution-'));
  cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  for (const file of [
    'Money',
    'BookingType',
    'BookingCreated',
    'BookingConfirmed',
    'BookingCancelled',
    'BookingFailed',
    'bookings-value',
  ]) {
    useSchema(`${file}.avsc`, join(ROOT, 'schemas', 'avro', `${file}.avsc`));
  }
  const config = JSON.parse(readFileSync(join(ROOT, 'contracts.config.json'), 'utf8'));
  config.runtimeImport = join(ROOT, 'src', 'contract');
  config.topics[0].name = topic;
  config.topics[0].deadLetterTopic = `${topic}.dlq`;
  config.topics[0].partitions = 1;
  // the platform's services name the bookings topic, which this project renames
  delete config.services;
  writeFileSync(join(dir, 'contracts.config.json'), JSON.stringify(config, null, 2));
  project = evolutionProject(dir, topic);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schema evolution of booking.created', () => {
  let v1: TopicContract;
  let v2: TopicContract;

  it('v1 registers', () => {
    v1 = project.generate('gen-v1');
    const result = cli(['register']);
    expect(result.status).toBe(0);
    project.commit('v1');
  });

  it('v2 adds an optional field: compatible offline and with the registry, and registers', () => {
    useSchema('BookingCreated.avsc', join(ROOT, 'examples', 'evolution', 'BookingCreated.v2.avsc'));
    expect(cli(['check', '--against', 'HEAD']).status).toBe(0);
    expect(cli(['check', '--registry']).status).toBe(0);
    const registered = cli(['register']);
    expect(registered.status).toBe(0);
    v2 = project.generate('gen-v2');
    expect(readFileSync(join(dir, 'gen-v2', topic, 'types.ts'), 'utf8')).toContain('promoCode: null | string;');
  });

  it('a v1 consumer reads v2 events and a v2 consumer reads v1 events', async () => {
    const base = { userId: 'u1', type: 'hotel', itemId: 'H1', data: { price: { amountMinor: 100, currency: 'EUR' } } };
    const { received, deadLettered } = await exchangeEvents({
      groupPrefix: `evolution-${id}`,
      readers: { v1: { contract: v1 }, v2: { contract: v2 } },
      writers: [v1, v2],
      expected: 2,
      send: async ([fromV1, fromV2]) => {
        await fromV1!.publish('booking.created', { ...base, bookingId: 'from-v1' } as never);
        await fromV2!.publish('booking.created', {
          ...base,
          bookingId: 'from-v2',
          data: { ...base.data, promoCode: 'WINTER' },
        } as never);
      },
    });
    expect(deadLettered).toEqual([]);
    const data = (version: 'v1' | 'v2', bookingId: string) =>
      received[version]!.find((e) => e.bookingId === bookingId)?.data as Record<string, unknown>;
    // the v1 reader never sees the field it does not know
    expect(data('v1', 'from-v2')).toBeDefined();
    expect(data('v1', 'from-v2')).not.toHaveProperty('promoCode');
    expect(data('v1', 'from-v1')).not.toHaveProperty('promoCode');
    // the v2 reader gets the default for v1 data
    expect(data('v2', 'from-v1')?.promoCode).toBeNull();
    expect(data('v2', 'from-v2')?.promoCode).toBe('WINTER');
  });

  it('an incompatible change is refused by check --against and by the registry', () => {
    project.commit('v2');
    useSchema('BookingCreated.avsc', join(ROOT, 'examples', 'evolution', 'BookingCreated.breaking.avsc'));

    const offline = cli(['check', '--against', 'HEAD']);
    expect(offline.status).toBe(1);
    expect(offline.out).toContain('TYPE_MISMATCH');
    expect(offline.out).toContain(`${namespace}.BookingCreated`);
    expect(offline.out).toContain('quantity');

    const registry = cli(['register']);
    expect(registry.status).not.toBe(0);
    expect(registry.out).toMatch(/incompatible/i);
    expect(registry.out).toContain(`${namespace}.BookingCreated`);
  });
});
