/**
 * Interop with a client this project did not write: Confluent's Python client (confluent-kafka with
 * its Schema Registry AvroSerializer/AvroDeserializer, fastavro underneath), against the same
 * registry URL (Apicurio's ccompat API). Each side decodes what the other produced.
 * Runs in the tests' Python environment (test/support/python.ts: the pinned test/support/python/ requirements).
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConsumer, type MessageContext } from '../../../src/consumer';
import { bookingsContract, EVENT_TYPES } from '../../../src/generated/bookings';
import { createProducer } from '../../../src/producer';
import { bookingEvents, bookingInputs } from '../../support/bookings-fixtures';
import { setUpTopic, waitFor, type ItContext } from '../../support/it-helpers';
import { ensurePython } from '../../support/python';

jest.setTimeout(120_000);
const exec = promisify(execFile);
const script = resolve(__dirname, '..', '..', 'support', 'python', 'interop.py');

type Bookings = typeof bookingsContract;
let it0: ItContext<Bookings>;
const running: Array<{ stop?(): Promise<void>; disconnect?(): Promise<void> }> = [];

beforeAll(async () => {
  it0 = await setUpTopic('bookings-it-py');
});
afterAll(async () => {
  for (const c of running.reverse()) await (c.stop?.() ?? c.disconnect?.())?.catch(() => undefined);
});

const pythonArgs = (mode: string, extra: string[] = []) => [
  script,
  mode,
  '--brokers',
  it0.env.brokers.join(','),
  '--registry',
  it0.env.registryUrl,
  '--topic',
  it0.contract.topic,
  ...extra,
];

/** Dates as ISO strings, as the Python side prints them. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("interop with Confluent's Python client", () => {
  it('Python decodes what the kit produced, and the kit decodes what Python produced', async () => {
    // kit → Python
    const producer = createProducer({
      contract: it0.contract,
      brokers: it0.env.brokers,
      registry: it0.registry,
      source: 'kit',
    });
    running.push(producer);
    const sent = [];
    for (const eventType of Object.values(EVENT_TYPES)) {
      const event = producer.prepare(eventType, bookingInputs('FROM-KIT')[eventType] as never);
      await producer.publish(eventType, event as never);
      sent.push(event);
    }
    const { stdout } = await exec(
      ensurePython(),
      pythonArgs('consume', ['--count', '4', '--group', `py-${randomUUID()}`]),
    );
    const decodedByPython = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; value: unknown });
    expect(decodedByPython.map((d) => d.key)).toEqual(['FROM-KIT', 'FROM-KIT', 'FROM-KIT', 'FROM-KIT']);
    expect(decodedByPython.map((d) => d.value)).toEqual(sent.map(asJson));

    // Python → kit
    const events = Object.values(bookingEvents('FROM-PY')).map((e) => ({
      ...e,
      eventId: randomUUID(),
      source: 'python',
    }));
    const python = spawn(ensurePython(), pythonArgs('produce'), { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    python.stdout.on('data', (d: Buffer) => (output += d.toString()));
    python.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    const names: Record<string, string> = {
      'booking.created': 'travel.bookings.BookingCreated',
      'booking.confirmed': 'travel.bookings.BookingConfirmed',
      'booking.cancelled': 'travel.bookings.BookingCancelled',
      'booking.failed': 'travel.bookings.BookingFailed',
    };
    for (const e of events)
      python.stdin.write(`${JSON.stringify({ ...(asJson(e) as object), __record: names[e.eventType] })}\n`);
    python.stdin.end();
    const code = await new Promise<number | null>((r) => python.on('close', r));
    expect({ code, errors }).toEqual({ code: 0, errors: '' });
    expect(JSON.parse(output)).toEqual({ produced: 4 });

    const received: Array<{ event: unknown; context: MessageContext }> = [];
    const push = async (event: unknown, context: MessageContext) => {
      if (context.key === 'FROM-PY') received.push({ event, context });
    };
    const consumer = createConsumer({
      contract: it0.contract,
      groupId: `kit-${randomUUID()}`,
      brokers: it0.env.brokers,
      registry: it0.registry,
      fromBeginning: true,
      stopOnSignals: [],
      handlers: {
        'booking.created': push,
        'booking.confirmed': push,
        'booking.cancelled': push,
        'booking.failed': push,
      },
    });
    running.push(consumer);
    await consumer.start();
    await waitFor(() => received.length === 4, 'the 4 events produced by Python');
    expect(received.map((r) => r.event)).toEqual(events);
    expect(received[0]!.context.headers['event-type']?.toString()).toBe('booking.created');
  });
});
