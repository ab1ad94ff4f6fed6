/**
 * The UI serves the config's AsyncAPI document (YAML to read in the browser, JSON) with the schema
 * IDs of the registry it shows, and the page links to it. The registry here is the in-memory one
 * with the booking contracts registered; an unregistered contract still gets its document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildAsyncApiDocument, renderAsyncApi } from '../../../src/asyncapi';
import { loadConfig } from '../../../src/config';
import { bookingsContract } from '../../../src/generated/bookings';
import { createInMemoryRegistry, registerContract } from '../../../src/registry';
import { createUiServer, type UiServer } from '../../../src/ui';

const ROOT = join(__dirname, '..', '..', '..');
const config = loadConfig(join(ROOT, 'contracts.config.json'));

describe('the AsyncAPI document in the UI', () => {
  let app: UiServer;
  afterEach(() => app?.close());

  it('is served as YAML and JSON with the registered schema IDs, and linked from the page', async () => {
    const registry = createInMemoryRegistry();
    const registered = await registerContract(bookingsContract, registry);
    app = await createUiServer({ port: 0, registry, config });

    const yaml = await fetch(`${app.url}/asyncapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toContain('text/plain');
    const text = await yaml.text();
    const { document: withIds } = await buildAsyncApiDocument(config, { registry });
    expect(text).toBe(renderAsyncApi(withIds, 'yaml'));
    const created = (parse(text) as { components: { messages: Record<string, Record<string, unknown>> } }).components
      .messages['booking.created']!;
    const id = registered['travel.bookings.BookingCreated']!;
    expect(created['x-schema-registry']).toMatchObject({ schemaId: id.id, version: id.version });
    expect(created.description).toContain(`(ID ${id.id}, version ${id.version})`);

    const json = await fetch(`${app.url}/asyncapi.json`);
    expect(((await json.json()) as { asyncapi: string }).asyncapi).toBe('3.0.0');

    const page = await (await fetch(`${app.url}/`)).text();
    expect(page).toContain('href="/asyncapi.yaml"');
  });

  it('leaves the IDs out of what the registry does not hold, with a note', async () => {
    const registry = createInMemoryRegistry();
    const { document, notes } = await buildAsyncApiDocument(config, { registry });
    expect(notes).toHaveLength(5);
    expect(notes[0]).toMatch(/^bookings-proto: left out/);
    expect(notes[1]).toMatch(/travel\.bookings\.BookingCreated: this schema is not registered/);
    expect(JSON.stringify(document)).not.toMatch(/"schemaId":|\(ID \d/);
    // the committed document is the one without a registry
    expect(renderAsyncApi((await buildAsyncApiDocument(config)).document, 'yaml')).toBe(
      readFileSync(join(ROOT, 'asyncapi.yaml'), 'utf8'),
    );
  });
});
