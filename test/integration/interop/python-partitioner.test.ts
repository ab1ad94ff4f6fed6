/**
 * The kit's producer and Confluent's Python client (librdkafka) put the same keys on the same
 * partitions in each mode: `murmur2` (the kit's default) = librdkafka's `murmur2_random`, and
 * `consistent_random` (librdkafka's default) = CRC-32. Real broker, real delivery reports.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createProducer, type KeyPartitioner } from '../../../src/producer';
import { bookingInputs } from '../../support/bookings-fixtures';
import { setUpTopic } from '../../support/it-helpers';
import { ensurePython } from '../../support/python';

jest.setTimeout(180_000);
const exec = promisify(execFile);
const script = resolve(__dirname, '..', '..', 'support', 'python', 'partitions.py');

const keys = Array.from({ length: 60 }, (_, i) => `BOOK-${i}-${(i * 7919).toString(36)}`);

async function kitPlacement(
  mode: KeyPartitioner,
): Promise<{ topic: string; brokers: string; placed: Record<string, number> }> {
  const it0 = await setUpTopic(`bookings-it-part-${mode.replace('_', '-')}`);
  const producer = createProducer({
    contract: it0.contract,
    brokers: it0.env.brokers,
    registry: it0.registry,
    partitioner: mode,
  });
  const placed: Record<string, number> = {};
  try {
    for (const key of keys) {
      const result = await producer.publish('booking.created', { ...bookingInputs(key)['booking.created'] });
      placed[key] = result.partition;
    }
  } finally {
    await producer.disconnect();
  }
  return { topic: it0.contract.topic, brokers: it0.env.brokers[0]!, placed };
}

async function pythonPlacement(
  { topic, brokers }: { topic: string; brokers: string },
  partitioner: string,
): Promise<Record<string, number>> {
  const child = exec(ensurePython(), [script, brokers, topic, partitioner]);
  child.child.stdin?.end(`${keys.join('\n')}\n`);
  const { stdout } = await child;
  return JSON.parse(stdout) as Record<string, number>;
}

describe('key partitioning: the kit and confluent-kafka (librdkafka) agree', () => {
  it.each([
    ['murmur2', 'murmur2_random'],
    ['consistent_random', 'consistent_random'],
  ] as const)('kit %s = librdkafka %s', async (mode, librdkafka) => {
    const kit = await kitPlacement(mode);
    const python = await pythonPlacement(kit, librdkafka);
    expect(python).toEqual(kit.placed);
    expect(new Set(Object.values(kit.placed)).size).toBeGreaterThan(1);
  });

  it('the two modes place keys differently (why every producer of a topic must use the same one)', async () => {
    const murmur = await kitPlacement('murmur2');
    const python = await pythonPlacement(murmur, 'consistent_random');
    expect(keys.filter((k) => python[k] !== murmur.placed[k]).length).toBeGreaterThan(0);
  });
});
