/**
 * The README's Prometheus example (examples/prometheus.ts), as written: after a stream through the
 * kit's producer and consumer, a scrape of /metrics holds the kit's metrics in Prometheus's text
 * format, the lag of each partition included (0 once the group is idle).
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { servePrometheus } from '../../examples/prometheus';
import { createConsumer } from '../../src/consumer';
import type { bookingsContract } from '../../src/generated/bookings';
import { createProducer } from '../../src/producer';
import { bookingInputs } from '../support/bookings-fixtures';
import { setUpTopic, waitFor, type ItContext } from '../support/it-helpers';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '..', '..');
let ctx: ItContext<typeof bookingsContract>;
beforeAll(async () => {
  ctx = await setUpTopic('prometheus-it');
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe('README: Prometheus', () => {
  it('is the README example as written', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = readFileSync(join(ROOT, 'examples', 'prometheus.ts'), 'utf8');
    expect(readme).toContain(example.slice(example.indexOf('import ')).trimEnd());
  });

  it("serves the kit's metrics for Prometheus to scrape", async () => {
    const prometheus = await servePrometheus(await freePort());
    const handled: string[] = [];
    const consumer = createConsumer({
      contract: ctx.contract,
      brokers: ctx.env.brokers,
      registry: ctx.registry,
      groupId: `prometheus-it-${Date.now()}`,
      fromBeginning: true,
      stopOnSignals: [],
      handlers: {
        'booking.created': (e) => void handled.push(e.eventId),
        'booking.confirmed': (e) => void handled.push(e.eventId),
        'booking.cancelled': (e) => void handled.push(e.eventId),
        'booking.failed': (e) => void handled.push(e.eventId),
      },
    });
    const producer = createProducer({ contract: ctx.contract, brokers: ctx.env.brokers, registry: ctx.registry });
    try {
      await consumer.start();
      const inputs = bookingInputs('B-prom');
      for (const [type, input] of Object.entries(inputs)) await producer.publish(type as never, input as never);
      await waitFor(() => handled.length === 4, 'the 4 events handled', 30_000);
      // lag is observed when Prometheus scrapes: 0 per partition once everything is handled
      let text = '';
      await waitFor(
        async () => {
          text = await (await fetch(prometheus.url)).text();
          return /messaging_kafka_consumer_lag\{[^}]*\} 0/.test(text);
        },
        'a lag of 0 on /metrics',
        20_000,
      );
      // the exporter names a metric as the kit does (no unit suffix) and states the unit beside it
      expect(text).toMatch(/# TYPE messaging_process_duration histogram/);
      expect(text).toMatch(/# UNIT messaging_process_duration s/);
      // one publish per event type, each well under a second: in a seconds bucket, not the first one
      const publishes = [...text.matchAll(/messaging_client_operation_duration_count\{[^}]*\} (\d+)/g)];
      expect(publishes.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(4);
      expect(text).toMatch(/messaging_client_operation_duration_bucket\{[^}]*le="1"\} 1/);
      expect(text).not.toMatch(/messaging_client_operation_duration_bucket\{[^}]*le="25"\}/);
      // one series per event type and outcome: four handled in all
      const handledSeries = [
        ...text.matchAll(/messaging_client_consumed_messages_total\{[^}]*contracts_outcome="handled"[^}]*\} (\d+)/g),
      ];
      expect(handledSeries.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(4);
    } finally {
      await consumer.stop();
      await producer.disconnect();
      await prometheus.close();
    }
  });
});
