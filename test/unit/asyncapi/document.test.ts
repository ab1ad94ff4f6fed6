/**
 * `contracts asyncapi`: the document for the booking contracts and for the service fixture parses
 * with the AsyncAPI project's own parser (Avro payloads through its Avro schema parser) with no
 * error or warning; its examples fit the payloads as that parser reads them; `--check` fails with a
 * readable diff on a stale file; the config's services section refuses names it does not know.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { buildAsyncApiDocument, renderAsyncApi } from '../../../src/asyncapi';
import { loadConfig, parseConfig } from '../../../src/config';
import { runCli } from '../../support/temp-project';

const ROOT = join(__dirname, '..', '..', '..');
const BOOKINGS = join(ROOT, 'contracts.config.json');
const SERVICE = join(ROOT, 'examples', 'service', 'contracts.config.json');

async function parse(text: string) {
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  const { document, diagnostics } = await parser.parse(text);
  const problems = diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning)
    .map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
  return { document, problems };
}

/** Every example of every message fits the payload and headers as the parser reads them (Avro as JSON Schema). */
function misfitExamples(document: NonNullable<Awaited<ReturnType<typeof parse>>['document']>): string[] {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const misfits: string[] = [];
  for (const message of document.allMessages()) {
    const examples = message.examples().all();
    if (examples.length === 0) misfits.push(`${message.name() ?? message.id()}: no example`);
    for (const example of examples) {
      const payload = ajv.compile(message.payload()!.json() as object);
      if (!payload(example.payload())) misfits.push(`${message.id()} payload: ${ajv.errorsText(payload.errors)}`);
      const headers = ajv.compile(message.headers()!.json() as object);
      if (!headers(example.headers())) misfits.push(`${message.id()} headers: ${ajv.errorsText(headers.errors)}`);
    }
  }
  return misfits;
}

describe('contracts asyncapi: the booking contracts', () => {
  it('parse with @asyncapi/parser without errors or warnings, and say what the config says', async () => {
    const { document: data, notes } = await buildAsyncApiDocument(loadConfig(BOOKINGS));
    // AsyncAPI 3.0 names no Protobuf schema format: the Protobuf topic is left out, and says so
    expect(notes).toEqual([
      'bookings-proto: left out, AsyncAPI 3.0 has no Protobuf schema format (its .proto files are the contract)',
    ]);
    const { document, problems } = await parse(renderAsyncApi(data, 'yaml'));
    expect(problems).toEqual([]);
    expect(document).toBeDefined();
    const doc = document!;
    expect(doc.version()).toBe('3.0.0');

    const bookings = doc.channels().get('bookings')!;
    expect(bookings.address()).toBe('bookings');
    expect(bookings.bindings().get('kafka')!.value()).toMatchObject({ partitions: 6, replicas: 1 });
    expect(
      bookings
        .messages()
        .all()
        .map((m) => m.name()),
    ).toEqual(['booking.created', 'booking.confirmed', 'booking.cancelled', 'booking.failed']);
    const dlq = doc.channels().get('bookings.dlq')!;
    expect(dlq.bindings().get('kafka')!.value()).toMatchObject({ partitions: 1 });

    const created = bookings.messages().get('booking.created')!;
    expect(created.schemaFormat()).toBe('application/vnd.apache.avro;version=1.9.0');
    // the Avro parser read the inlined Money and BookingType
    expect(JSON.stringify(created.payload()!.json())).toContain('amountMinor');
    expect(created.bindings().get('kafka')!.value()).toMatchObject({
      key: { type: 'string' },
      schemaIdLocation: 'payload',
      schemaIdPayloadEncoding: 'confluent',
      schemaLookupStrategy: 'TopicNameStrategy',
    });
    expect(created.headers()!.json()).toMatchObject({
      required: ['event-type'],
      properties: { 'event-type': { const: 'booking.created' }, traceparent: {}, tracestate: {} },
    });
    expect(created.extensions().get('x-schema-registry')!.value()).toEqual({
      subject: 'travel.bookings.BookingCreated',
      topicSubject: 'bookings-value',
      compatibility: 'FULL_TRANSITIVE',
    });
    expect(misfitExamples(doc)).toEqual(['bookings.dead-letter: no example']);

    // the seed's services: billing consumes booking.created in its own group and publishes the verdicts
    const billingReceives = doc.operations().get('billing-service.receive.bookings')!;
    expect(billingReceives.action()).toBe('receive');
    expect(billingReceives.bindings().get('kafka')!.value()).toMatchObject({
      groupId: { enum: ['billing-service'] },
    });
    expect(
      billingReceives
        .messages()
        .all()
        .map((m) => m.name()),
    ).toEqual(['booking.created', 'booking.cancelled']);
    expect(
      doc
        .operations()
        .get('billing-service.send.bookings')!
        .messages()
        .all()
        .map((m) => m.name()),
    ).toEqual(['booking.confirmed', 'booking.failed']);
    expect(doc.operations().get('admin-analytics-service.receive.bookings')!.messages().all()).toHaveLength(4);
  });

  it("writes one service's own document with only what it uses", async () => {
    const { document: data } = await buildAsyncApiDocument(loadConfig(BOOKINGS), { service: 'user-service' });
    const { document, problems } = await parse(renderAsyncApi(data, 'json'));
    expect(problems).toEqual([]);
    expect(document!.info().title()).toBe('user-service');
    expect(
      document!
        .operations()
        .all()
        .map((o) => o.id()),
    ).toEqual(['user-service.receive.bookings', 'user-service.send.bookings.dlq']);
    await expect(buildAsyncApiDocument(loadConfig(BOOKINGS), { service: 'biling-service' })).rejects.toThrow(
      /no service "biling-service"/,
    );
  });

  it('the parser this test relies on does report a broken Avro payload', async () => {
    const text = renderAsyncApi((await buildAsyncApiDocument(loadConfig(BOOKINGS))).document, 'yaml');
    const broken = text.replace('type: long\n', 'type: lung\n');
    expect(broken).not.toBe(text);
    expect((await parse(broken)).problems.length).toBeGreaterThan(0);
  });
});

describe('contracts asyncapi: the service fixture (Avro and JSON Schema topics)', () => {
  it('parses without errors or warnings; JSON Schema payloads share components', async () => {
    const { document: data, notes } = await buildAsyncApiDocument(loadConfig(SERVICE));
    expect(notes).toEqual([]);
    const { document, problems } = await parse(renderAsyncApi(data, 'yaml'));
    expect(problems).toEqual([]);
    const posted = document!.channels().get('ledger')!.messages().get('entry.posted')!;
    expect(posted.schemaFormat()).toBe('application/schema+json;version=draft-07');
    expect(document!.components().schemas().get('ledger.Amount')).toBeDefined();
    expect(misfitExamples(document!)).toEqual(['payments.dead-letter: no example', 'ledger.dead-letter: no example']);
  });
});

describe('contracts asyncapi --check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'asyncapi-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes on the committed document and exits 1 with the changed parts and a diff when it is stale', () => {
    const current = runCli(['-c', BOOKINGS, 'asyncapi', '--check'], ROOT);
    expect(current.stdout).toContain('asyncapi.yaml is up to date');
    expect(current.status).toBe(0);

    const file = join(dir, 'asyncapi.yaml');
    copyFileSync(join(ROOT, 'asyncapi.yaml'), file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('partitions: 6', 'partitions: 3'));
    const stale = runCli(['-c', BOOKINGS, 'asyncapi', '--check', '--out', file], ROOT);
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain('is out of date:\n  channels.bookings: changed');
    expect(stale.stdout).toMatch(/^-\s+partitions: 3$/m);
    expect(stale.stdout).toMatch(/^\+\s+partitions: 6$/m);
    expect(stale.stderr).toContain('run `npx contracts asyncapi`');

    const missing = runCli(['-c', BOOKINGS, 'asyncapi', '--check', '--out', join(dir, 'none.json')], ROOT);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('none.json: missing (not generated yet)');
  });
});

describe('config: services', () => {
  const topics = [
    {
      name: 'bookings',
      format: 'AVRO',
      value: 'v.avsc',
      events: [
        { type: 'booking.created', schema: 'c.avsc' },
        { type: 'booking.failed', schema: 'f.avsc' },
      ],
    },
  ];
  const file = join(tmpdir(), 'contracts.config.json');

  it('resolves event types and topic names, grouped by topic, with the service name as its group', () => {
    const config = parseConfig(
      { topics, services: { billing: { consumes: ['bookings'], publishes: ['booking.failed'] } } },
      file,
    );
    expect(config.services).toEqual([
      {
        name: 'billing',
        groupId: 'billing',
        consumes: [{ topic: 'bookings', eventTypes: ['booking.created', 'booking.failed'] }],
        publishes: [{ topic: 'bookings', eventTypes: ['booking.failed'] }],
      },
    ]);
  });

  it('names the likely event type for a typo, and the likely field for an unknown one', () => {
    expect(() => parseConfig({ topics, services: { billing: { consumes: ['booking.craeted'] } } }, file)).toThrow(
      /services\.billing\.consumes: "booking\.craeted" is neither an event type nor a topic of the config; did you mean "booking\.created"\?/,
    );
    expect(() => parseConfig({ topics, services: { billing: { publish: ['booking.failed'] } } }, file)).toThrow(
      /unknown field "publish" in services\.billing; did you mean "publishes"\?/,
    );
    expect(() => parseConfig({ topics, service: {} }, file)).toThrow(/did you mean "services"\?/);
  });
});
