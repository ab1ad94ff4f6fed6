/**
 * The kit as a service installs it: `npm pack` (which builds), the tarball installed into a fresh
 * project of its own (examples/service: an ESM service with `moduleResolution: nodenext`, its own
 * config, an Avro topic whose events share a named type and a JSON Schema topic with a shared
 * `$ref`), then what its developers run: `npx contracts generate`, `generate --check`, `tsc`,
 * `npx contracts apply`, the README's producer and consumer against the real stack, and a breaking
 * change refused by `check --against HEAD`. A CommonJS project imports the same tarball, and a
 * service on a Protobuf topic of its own (test/fixtures/proto-service: its own package, a shared
 * message imported, google/protobuf/timestamp.proto) generates, compiles, registers, publishes and
 * consumes through it.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../support/bookings-samples';
import { stackEnv } from '../support/stack-env';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'contracts-service-'));
const service = join(work, 'payments-service');
const protoService = join(work, 'disputes-service');
let tarball = '';
let packedFiles: string[] = [];

/** The test's own Node first on PATH, so `npm` and `npx` run on the Node line under test. */
const env = (): NodeJS.ProcessEnv => {
  const { brokers, registryUrl } = stackEnv();
  return {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
};

function run(command: string, args: string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: env(), encoding: 'utf8', timeout, maxBuffer: 32 * 1024 * 1024 });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) {
    throw new Error(
      `${what} exited ${result.status ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result.stdout;
}

function project(dir: string): void {
  ok(run('git', ['init', '-q'], dir), 'git init');
  ok(run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A'], dir), 'git add');
  ok(
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'service'], dir),
    'git commit',
  );
}

beforeAll(() => {
  const packed = ok(run('npm', ['pack', '--json', '--pack-destination', work], ROOT), 'npm pack');
  const info = JSON.parse(packed.slice(packed.indexOf('['))) as Array<{
    filename: string;
    files: Array<{ path: string }>;
    size: number;
  }>;
  tarball = join(work, info[0]!.filename);
  packedFiles = info[0]!.files.map((f) => f.path);
  process.stdout.write(
    `tarball ${info[0]!.filename}: ${packedFiles.length} files, ${(info[0]!.size / 1024).toFixed(0)} kB\n`,
  );

  cpSync(join(ROOT, 'examples', 'service'), service, { recursive: true });
  rmSync(join(service, 'src', 'generated'), { recursive: true, force: true });
  project(service);
  const install = ok(run('npm', ['install', '--prefer-offline', tarball], service), 'npm install <tarball>');
  expect(install).not.toMatch(/EBADENGINE/);

  cpSync(join(ROOT, 'test', 'fixtures', 'proto-service'), protoService, { recursive: true });
  project(protoService);
  ok(run('npm', ['install', '--prefer-offline', tarball], protoService), 'npm install <tarball> (proto)');
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds the compiled library, its types, the CLI, codegen and the UI assets, and nothing that points at missing files', () => {
    for (const file of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/codegen/generate.js',
      'dist/src/ui/public/index.html',
      'bin/contracts.js',
      'package.json',
      'README.md', // error hints point a service at node_modules/booking-event-contracts/README.md
    ]) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles.filter((f) => /^(test|src|bench|examples)\//.test(f))).toEqual([]);
  });

  it('npx contracts --version prints the version', () => {
    expect(ok(run('npx', ['contracts', '--version'], service), 'contracts --version').trim()).toBe(VERSION);
  });
});

describe('a service with its own contracts', () => {
  it('generates its contracts, and generate --check finds them current', () => {
    expect(ok(run('npx', ['contracts', 'generate'], service), 'generate')).toMatch(/for payments, ledger/);
    expect(ok(run('npx', ['contracts', 'generate', '--check'], service), 'generate --check')).toMatch(/up to date/);
    // the Avro codec carries no copy of the encoding: it calls the installed kit's versioned runtime
    const codec = readFileSync(join(service, 'src', 'generated', 'payments', 'codec.ts'), 'utf8');
    expect(codec).toMatch(/from 'booking-event-contracts'/);
    expect(codec).toMatch(/avroCodecRuntimeV1\(\)/);
  });

  it('writes its AsyncAPI document from its config, and asyncapi --check finds it current', () => {
    expect(ok(run('npx', ['contracts', 'asyncapi'], service), 'asyncapi')).toMatch(
      /wrote asyncapi\.yaml: AsyncAPI 3\.0\.0, 4 channel/,
    );
    expect(ok(run('npx', ['contracts', 'asyncapi', '--check'], service), 'asyncapi --check')).toMatch(/up to date/);
  });

  it('type-checks and compiles its producer and consumer (ESM, nodenext)', () => {
    ok(run('npx', ['tsc', '-p', 'tsconfig.json'], service), 'tsc');
  });

  it('applies its topics and subjects, and a second apply changes nothing', () => {
    const applied = run('npx', ['contracts', 'apply'], service);
    const first = ok(applied, 'apply');
    // stderr holds only what the kit says: no Node warning (kafkajs's negative timer on Node 24+)
    expect(applied.stderr).not.toMatch(/\(node:\d+\) \w*Warning/);
    expect(first).toMatch(/payments-value/);
    // JSON Schema subjects carry the topic as their namespace: no bare `Amount` on a shared registry
    expect(first).toMatch(/ledger\.Amount/);
    expect(first).toMatch(/ledger\.EntryPosted/);
    const again = ok(run('npx', ['contracts', 'apply', '--dry-run'], service), 'apply --dry-run');
    expect(again).toMatch(/= payments\s+unchanged: 3 partition\(s\)/);
    expect(again).toMatch(/= ledger\.dlq\s+unchanged/);
    expect(again).not.toMatch(/^[+~] /m);
  });

  it('the README producer publishes and the README consumer receives it, typed, then stops on SIGTERM', async () => {
    const consumer = spawn(process.execPath, ['dist/consume.js'], { cwd: service, env: env() });
    let out = '';
    let err = '';
    consumer.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    consumer.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => consumer.on('exit', (code) => resolve(code)));
    try {
      const published = ok(run(process.execPath, ['dist/publish.js'], service), 'publish.js');
      expect(published).toMatch(/published payment\.captured to partition \d, schema ID \d+/);
      const deadline = Date.now() + 60_000;
      while (!/captured PAY-1001: 12999 USD at \d{4}-\d\d-\d\dT/.test(out) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(out).toMatch(/captured PAY-1001: 12999 USD at \d{4}-\d\d-\d\dT/);
    } finally {
      consumer.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // the kit's logger: no raw kafkajs JSON lines on a healthy run
    expect(err).not.toMatch(/^\{"level"/m);
  });

  it('the README bookings example runs against the kit’s own contracts', async () => {
    const { registryUrl } = stackEnv();
    // the booking platform registers its contracts from the kit's repository (npm start does too)
    ok(
      run(
        process.execPath,
        [
          join(ROOT, 'bin', 'contracts.js'),
          'apply',
          '--config',
          join(ROOT, 'contracts.config.json'),
          '--registry',
          registryUrl,
        ],
        ROOT,
      ),
      'apply bookings',
    );
    const child = spawn(process.execPath, ['dist/bookings.js'], { cwd: service, env: env() });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!/charge 12999 USD for BOOK123/.test(out) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(out).toMatch(/charge 12999 USD for BOOK123 \(\d{4}-/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('a breaking change is refused by check --against HEAD, with the rule that breaks', () => {
    const file = join(service, 'schemas', 'avro', 'PaymentCaptured.avsc');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { fields: Array<{ name: string; type: unknown }> };
    // a new required field: events already written have no value for it
    schema.fields.push({ name: 'merchantId', type: 'string' });
    writeFileSync(file, JSON.stringify(schema, null, 2));
    try {
      const check = run('npx', ['contracts', 'check', '--against', 'HEAD'], service);
      expect(check.stdout + check.stderr).toMatch(/FIELD_ADDED_WITHOUT_DEFAULT/);
      expect(check.stdout + check.stderr).toMatch(/com\.example\.payments\.PaymentCaptured/);
      expect(check.status).toBe(1);
    } finally {
      ok(run('git', ['checkout', '--', 'schemas'], service), 'git checkout');
    }
  });
});

describe('a CommonJS service', () => {
  it('requires the package and type-checks against it (module commonjs)', () => {
    const dir = join(work, 'cjs-service');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-service', version: '1.0.0', private: true }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node10',
          strict: true,
          outDir: 'dist',
          rootDir: 'src',
          skipLibCheck: true,
        },
      }),
    );
    writeFileSync(
      join(dir, 'src', 'index.ts'),
      [
        "import { bookingsContract, createSerde, registerContract, type BookingCreated } from 'booking-event-contracts';",
        "import { createInMemoryRegistry } from 'booking-event-contracts/testing';",
        'async function main(): Promise<void> {',
        '  const registry = createInMemoryRegistry();',
        '  await registerContract(bookingsContract, registry);',
        '  const serde = createSerde(bookingsContract, registry);',
        "  const event: BookingCreated = { eventId: '0f8fad5b-d9cb-469f-a165-70867728950e', eventType: 'booking.created', timestamp: new Date(0), source: 'cjs', bookingId: 'B1', userId: 'U1', type: 'car', itemId: 'C1', data: { price: { amountMinor: 100, currency: 'EUR' }, quantity: 1, flight: null, hotel: null, car: null } };",
        '  const decoded = await serde.decode(await serde.encode(event));',
        "  if (decoded.event.eventType !== 'booking.created') throw new Error(`decoded ${decoded.event.eventType}`);",
        '  console.log(`round trip ${decoded.event.bookingId} ${decoded.event.data.price.amountMinor}`);',
        '}',
        'main().catch((error) => { console.error(error); throw error; });',
        '',
      ].join('\n'),
    );
    ok(run('npm', ['install', '--prefer-offline', tarball], dir), 'npm install (cjs)');
    ok(
      run(process.execPath, [join(service, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir),
      'tsc (cjs)',
    );
    expect(ok(run(process.execPath, ['dist/index.js'], dir), 'node dist/index.js').trim()).toBe('round trip B1 100');
  });
});

describe('a service on a Protobuf topic of its own', () => {
  const valueFile = join(protoService, 'schemas', 'proto', 'payments', 'disputes', 'v1', 'disputes_value.proto');

  it('generates its contract from the .proto files, and generate --check finds it current', () => {
    expect(ok(run('npx', ['contracts', 'generate'], protoService), 'generate')).toMatch(/for disputes$/m);
    const generated = readFileSync(join(protoService, 'src', 'generated', 'disputes', 'index.ts'), 'utf8');
    // imports only the installed package, under its own name
    expect(generated).toMatch(/from 'booking-event-contracts'/);
    // its codec.ts calls the installed kit's versioned Protobuf runtime, as the Avro one calls its own
    const codec = readFileSync(join(protoService, 'src', 'generated', 'disputes', 'codec.ts'), 'utf8');
    expect(codec).toMatch(/from 'booking-event-contracts'/);
    expect(codec).toMatch(/protobufCodecRuntimeV1\(\)/);
    expect(ok(run('npx', ['contracts', 'generate', '--check'], protoService), 'generate --check')).toMatch(
      /up to date/,
    );
  });

  it('type-checks and compiles it (strict, ESM, nodenext), wrong events refused by the compiler', () => {
    // src/disputes.ts holds @ts-expect-error lines: an unknown event type and enum value must not compile
    ok(run('npx', ['tsc', '-p', 'tsconfig.json'], protoService), 'tsc');
  });

  it('registers the imported files as referenced subjects named by their import paths, google/protobuf not among them', async () => {
    const out = ok(run('npx', ['contracts', 'apply'], protoService), 'apply');
    for (const subject of [
      'payments/disputes/v1/amount.proto',
      'payments/disputes/v1/dispute_opened.proto',
      'payments/disputes/v1/dispute_resolved.proto',
      'disputes-value',
    ]) {
      expect(out).toContain(subject);
    }
    expect(out).not.toMatch(/google\/protobuf/);
    // what the registry holds: each import a reference under its import path, Confluent's default
    const references = async (subject: string) => {
      const response = await fetch(`${stackEnv().registryUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`);
      const body = (await response.json()) as { references?: Array<{ name: string; subject: string }> };
      return (body.references ?? []).map((r) => `${r.name} -> ${r.subject}`);
    };
    expect(await references('disputes-value')).toEqual([
      'payments/disputes/v1/dispute_opened.proto -> payments/disputes/v1/dispute_opened.proto',
      'payments/disputes/v1/dispute_resolved.proto -> payments/disputes/v1/dispute_resolved.proto',
    ]);
    expect(await references('payments/disputes/v1/dispute_opened.proto')).toEqual([
      'payments/disputes/v1/amount.proto -> payments/disputes/v1/amount.proto',
    ]);
    expect(ok(run('npx', ['contracts', 'register', '--dry-run'], protoService), 'register --dry-run')).not.toMatch(
      /^\+ /m,
    );
  });

  it('publishes typed events, consumes them typed, and an invalid event is refused with EventValidationError, never sent', () => {
    const runId = `r${Date.now()}`;
    const out = ok(run(process.execPath, ['dist/disputes.js', runId], protoService, 120_000), 'disputes.js');
    expect(out).toMatch(/published dispute\.opened to partition 0, schema ID \d+/);
    expect(out).toContain(
      'refused dispute.resolved: EVENT_INVALID: dispute.resolved does not match its contract at /disputeId',
    );
    expect(out).not.toMatch(/invalid event was (sent|received)/);
    // int64 as a bigint, the Timestamp as a Date, the enum as its value name
    expect(out).toMatch(
      new RegExp(`opened DSP-${runId} for PAY-1001: 12999 USD REASON_NOT_RECEIVED at \\d{4}-\\d\\d-\\d\\dT`),
    );
    expect(out).toContain(`resolved DSP-${runId}: OUTCOME_WON`);
    // the refused event is not between the two: the consumer saw exactly what was published
    expect(out).toMatch(/^consumed dispute\.opened, dispute\.resolved$/m);
  });

  /** `contracts generate` on the service with one file changed (restored after): its failed run. */
  const generateWith = (file: string, change: (text: string) => string): SpawnSyncReturns<string> => {
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, change(original));
    try {
      return run('npx', ['contracts', 'generate'], protoService);
    } finally {
      writeFileSync(file, original);
    }
  };

  it('a value file without the oneof of events is refused by generate, naming the file and the fix', () => {
    // the cases as plain fields: a common first try
    const result = generateWith(valueFile, (text) => text.replace(/oneof event \{([^}]*)\}/, '$1'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "schemas/proto/payments/disputes/v1/disputes_value.proto: the first message of a Protobuf topic's value file must hold the events in one oneof of message fields",
    );
    expect(result.stderr).toContain(
      'message DisputeEvent { oneof event { DisputeOpened dispute_opened = 1; DisputeResolved dispute_resolved = 2; } }',
    );
    expect(result.stderr).toContain('node_modules/booking-event-contracts/README.md');
  });

  it('an import left out of the references is refused by generate, naming the importing file and the fix', () => {
    const result = generateWith(join(protoService, 'contracts.config.json'), (text) =>
      text.replace('"references": ["schemas/proto/payments/disputes/v1/amount.proto"]', '"references": []'),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'schemas/proto/payments/disputes/v1/dispute_opened.proto: import "payments/disputes/v1/amount.proto": schemas/proto/payments/disputes/v1/amount.proto is not in the references of topic disputes',
    );
    expect(result.stderr).toContain(
      'add "schemas/proto/payments/disputes/v1/amount.proto" to the topic\'s "references"',
    );
  });
});
