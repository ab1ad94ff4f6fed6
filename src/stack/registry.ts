/**
 * Apicurio Registry 3 as the local Confluent-compatible Schema Registry. Its Confluent API lives at
 * `/apis/ccompat/v7`. Storage is its SQL storage on an H2 *file* database under `.stack/registry`,
 * so schemas survive a registry restart and do not depend on the Kafka nodes the fail-over tests
 * kill. docs/stack.md explains every setting below.
 */
import { join } from 'node:path';

export const CCOMPAT_PATH = '/apis/ccompat/v7';

export interface RegistryJvmOptions {
  java: string;
  jar: string;
  port: number;
  /** Folder for the H2 database files. */
  dataDir: string;
  heapMb: number;
  marker: string;
}

export function registryUrl(port: number): string {
  return `http://127.0.0.1:${port}${CCOMPAT_PATH}`;
}

/** Settings passed as system properties (they override the app's application.properties). */
export function registrySettings(options: { port: number; dataDir: string }): Record<string, string> {
  return {
    'quarkus.http.host': '127.0.0.1',
    'quarkus.http.port': String(options.port),
    // 3.3+ serves health/metrics on a separate management port (default 9000, all interfaces).
    'quarkus.management.host': '127.0.0.1',
    'quarkus.management.port': '0',
    'apicurio.storage.kind': 'sql',
    'apicurio.storage.sql.kind': 'h2',
    // H2 writes lazily by default (WRITE_DELAY 500 ms): a registry killed right after it answered
    // a registration lost the schema, and later gave its ID to another. Durable on acknowledge.
    'apicurio.datasource.url': `jdbc:h2:file:${join(options.dataDir, 'registry')};WRITE_DELAY=0`,
    'apicurio.datasource.username': 'sa',
    'apicurio.datasource.password': 'sa',
    // The defaults (20 initial, 100 max connections) are sized for a server, not a test stack.
    'apicurio.datasource.jdbc.initial-size': '2',
    'apicurio.datasource.jdbc.min-size': '2',
    'apicurio.datasource.jdbc.max-size': '10',
    // Confluent semantics: schema IDs are content IDs (the same schema under two subjects has one
    // ID, and GET /schemas/ids/{id} accepts what POST /subjects/{s}/versions returned). Legacy mode
    // would hand out per-version global IDs instead.
    'apicurio.ccompat.legacy-id-mode.enabled': 'false',
    // Confluent finds an already-registered schema regardless of whitespace/formatting.
    'apicurio.ccompat.use-canonical-hash': 'true',
    'apicurio.ccompat.max-subjects': '10000',
    // Tests clean up subjects (DELETE /subjects/{s}, ?permanent=true) as with Confluent.
    'apicurio.rest.deletion.group.enabled': 'true',
    'apicurio.rest.deletion.artifact.enabled': 'true',
    'apicurio.rest.deletion.artifact-version.enabled': 'true',
    'apicurio.rest.artifact.deletion.enabled': 'true',
    // Keep temporary files in the stack folder, not /tmp.
    'apicurio.storage.snapshot.location': options.dataDir,
    'apicurio.import.work-dir': options.dataDir,
  };
}

export function registryArgs(options: RegistryJvmOptions): string[] {
  const settings = registrySettings(options);
  return [
    `-Xms64m`,
    `-Xmx${options.heapMb}m`,
    '-XX:MaxMetaspaceSize=192m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xss512k',
    '-Djava.awt.headless=true',
    `-Djava.io.tmpdir=${options.dataDir}`,
    `-Dcontracts.stack.process=${options.marker}`,
    ...Object.entries(settings).map(([key, value]) => `-D${key}=${value}`),
    '-jar',
    options.jar,
  ];
}
