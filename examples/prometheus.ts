/**
 * The README's Prometheus example: the kit's metrics on a /metrics endpoint Prometheus scrapes,
 * through OpenTelemetry's Prometheus exporter registered as the SDK's metric reader (the kit adds
 * metrics through the OpenTelemetry API; the service owns the SDK). test/integration/prometheus.test.ts
 * runs it as written.
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** Serves every metric of the process on http://127.0.0.1:<port>/metrics (9464 is the exporter's default). */
export async function servePrometheus(port = 9464): Promise<{ url: string; close(): Promise<void> }> {
  const exporter = new PrometheusExporter({ host: '127.0.0.1', port, preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(provider); // before the kit's producers and consumers are created
  await exporter.startServer();
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: () => provider.shutdown(),
  };
}
