/**
 * `contracts asyncapi --registry`: on the real registry, the document carries the ID and version the
 * registry gives each event's subject (the IDs a producer frames messages with), names that
 * registry in its server binding, and still parses cleanly with the AsyncAPI parser.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { bookingsContract } from '../../src/generated/bookings';
import { createSchemaRegistryClient, registerContract } from '../../src/registry';
import { runCli } from '../support/temp-project';

const ROOT = join(__dirname, '..', '..');

it('writes the registry’s schema IDs and versions into the document', async () => {
  const url = process.env.SCHEMA_REGISTRY_URL!;
  const registered = await registerContract(bookingsContract, createSchemaRegistryClient({ url }));
  const dir = mkdtempSync(join(tmpdir(), 'asyncapi-registry-'));
  try {
    const file = join(dir, 'asyncapi.json');
    const cli = runCli(['-c', join(ROOT, 'contracts.config.json'), 'asyncapi', '--registry', url, '--out', file], ROOT);
    // the one note: AsyncAPI 3.0 has no Protobuf schema format, so bookings-proto is left out
    expect(cli.stderr).toBe(
      'note bookings-proto: left out, AsyncAPI 3.0 has no Protobuf schema format (its .proto files are the contract)\n',
    );
    expect(cli.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    const document = JSON.parse(text) as {
      servers: { kafka: { bindings: { kafka: { schemaRegistryUrl: string } } } };
      components: { messages: Record<string, { 'x-schema-registry'?: Record<string, unknown> }> };
    };
    expect(document.servers.kafka.bindings.kafka.schemaRegistryUrl).toBe(url);
    for (const event of Object.values(bookingsContract.events)) {
      const { id, version } = registered[event.subject]!;
      expect(document.components.messages[event.eventType]!['x-schema-registry']).toEqual({
        subject: event.subject,
        topicSubject: 'bookings-value',
        compatibility: 'FULL_TRANSITIVE',
        schemaId: id,
        version,
      });
    }

    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { diagnostics } = await parser.parse(text);
    expect(
      diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning),
    ).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
