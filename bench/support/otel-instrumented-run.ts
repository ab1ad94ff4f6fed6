/**
 * One kit run of the e2e benchmark with the kit's telemetry off and OpenTelemetry's own kafkajs
 * instrumentation (@opentelemetry/instrumentation-kafkajs) under the same SDK: what the ecosystem's
 * instrumentation costs on the same flow. A process of its own, because the instrumentation must
 * be created before kafkajs is first loaded. Prints one JSON line: the run's figures and the spans
 * exported.
 *
 * Usage (bench/telemetry.bench.ts runs it): tsx bench/support/otel-instrumented-run.ts <brokers> <registry URL> <warm-up topic> <topic> <events>
 * (5,000 events through the warm-up topic first, as the in-process settings had theirs)
 */
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { TELEMETRY_ENV } from '../../src/telemetry';
import { registerSampledSdk } from './otel-sdk';

async function main(): Promise<void> {
  const [brokers, registryUrl, warmup, topic, events] = process.argv.slice(2);
  if (!brokers || !registryUrl || !warmup || !topic || !events)
    throw new Error('usage: <brokers> <registry URL> <warm-up topic> <topic> <events>');
  process.env[TELEMETRY_ENV] = 'off';
  const unregister = registerSampledSdk();
  const instrumentation = new KafkaJsInstrumentation();
  const { Kafka, logLevel } = await import('kafkajs');
  const { createSchemaRegistryClient } = await import('../../src/registry');
  const { runKit } = await import('../e2e.bench');
  const kafka = new Kafka({
    clientId: 'bench-otel-instrumented',
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
  });
  const registry = createSchemaRegistryClient({ url: registryUrl });
  await runKit(kafka, registry, warmup, 5_000);
  const result = await runKit(kafka, registry, topic, Number(events));
  instrumentation.disable();
  const spans = await unregister();
  process.stdout.write(`${JSON.stringify({ ...result, spans })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
