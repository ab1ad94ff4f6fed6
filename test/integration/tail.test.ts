/**
 * `contracts tail` tells the truth, run as a user runs it (the CLI, real stack):
 * - it exits 2 after printing the record it could not decode when the registry is unreachable or
 *   refuses the credentials (an HTTP proxy in front of the registry), with the error code the
 *   consumer's dead-letter record would carry for the same cause;
 * - bytes that are poison get the consumer's codes too (WIRE_FORMAT, SCHEMA_NOT_FOUND), with a
 *   hex / UTF-8 / base64 preview; headers are shown in text output;
 * - --partition, --offset and --from start where asked;
 * - it never creates a topic.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createProducer } from '../../src/producer';
import type { TailRecord } from '../../src/tail';
import { encodeFrame } from '../../src/wire';
import { bookingInputs } from '../support/bookings-fixtures';
import { ROOT } from '../support/bookings-samples';
import { startRegistryProxy, type RegistryProxy } from '../support/faults/registry-proxy';
import { setUpTopic, type ItContext } from '../support/it-helpers';

jest.setTimeout(120_000);
const exec = promisify(execFile);

const PROXY_PORT = 18504;
/** Nothing listens here. */
const DEAD_PORT = 18505;

let it0: ItContext<typeof import('../../src/generated/bookings').bookingsContract>;
let proxy: RegistryProxy;

beforeAll(async () => {
  it0 = await setUpTopic('bookings-it-tail');
  proxy = await startRegistryProxy({ upstreamUrl: it0.env.registryUrl, port: PROXY_PORT });
  const producer = createProducer({ contract: it0.contract, brokers: it0.env.brokers, registry: it0.registry });
  await producer.publish('booking.created', bookingInputs('TAIL-1')['booking.created'], {
    headers: { 'x-tenant': 'acme' },
  });
  await producer.publish('booking.confirmed', bookingInputs('TAIL-1')['booking.confirmed']);
  await producer.disconnect();
  const raw = it0.kafka.producer();
  await raw.connect();
  await raw.send({
    topic: it0.contract.topic,
    messages: [
      { key: 'garbage', value: Buffer.from('{"eventType":"booking.created"}'), headers: { origin: 'raw' } },
      { key: 'unknown-id', value: encodeFrame(0x7ffffff0, Buffer.from([2, 4, 6])) },
    ],
  });
  await raw.disconnect();
});
afterAll(async () => {
  await proxy?.stop();
});

async function tail(args: string[], registryUrl = it0.env.registryUrl, extraEnv: Record<string, string> = {}) {
  const env = {
    ...process.env,
    KAFKA_BROKERS: it0.env.brokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    NO_COLOR: '1',
    ...extraEnv,
  };
  try {
    const { stdout, stderr } = await exec(process.execPath, ['bin/contracts.js', 'tail', ...args], {
      cwd: ROOT,
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TailRecord);

describe('contracts tail', () => {
  it('decodes good records, gives poison the consumer’s codes with a preview of the bytes, and prints headers', async () => {
    const json = await tail([it0.contract.topic, '--from-beginning', '--format', 'json', '-n', '4']);
    expect(json.code).toBe(0);
    // --json, the old spelling, prints the same records and says what to write instead
    const old = await tail([it0.contract.topic, '--from-beginning', '--json', '-n', '4'], undefined, {
      CONTRACTS_LOG_LEVEL: 'warn',
    });
    // (the same records; partitions interleave in any order)
    const sorted = (stdout: string) => stdout.trim().split('\n').sort();
    expect(sorted(old.stdout)).toEqual(sorted(json.stdout));
    expect(old.stderr).toMatch(/--json is deprecated .*--format json, which prints the same/);
    const records = lines(json.stdout);
    expect(
      records
        .filter((r) => r.error === undefined)
        .map((r) => r.eventType)
        .sort(),
    ).toEqual(['booking.confirmed', 'booking.created']);
    const garbage = records.find((r) => r.key === 'garbage')!;
    expect(garbage.error).toMatchObject({ code: 'WIRE_FORMAT', fault: 'message' });
    expect(garbage.preview).toMatchObject({ length: 31, utf8: '{"eventType":"booking.created"}', truncated: false });
    expect(garbage.preview!.hex.startsWith('7b 22 65 76')).toBe(true);
    expect(records.find((r) => r.key === 'unknown-id')!.error).toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      fault: 'message',
    });

    const text = await tail([it0.contract.topic, '--from-beginning', '-n', '4']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/headers x-tenant=acme {2}event-type=booking\.created/);
    expect(text.stdout).toContain('headers origin=raw');
    expect(text.stdout).toContain('undecodable (WIRE_FORMAT)');
    expect(text.stdout).toContain('hex 7b 22 65 76');
    expect(text.stdout).toContain('utf8 {"eventType":"booking.created"}');
    expect(text.stdout).toContain(`base64 ${Buffer.from('{"eventType":"booking.created"}').toString('base64')}`);
  });

  it('exits 2 after the first record when the registry refuses the credentials or cannot be reached', async () => {
    proxy.accept([{ username: 'ops', password: 'right' }]);
    const refused = await tail([it0.contract.topic, '--from-beginning', '--format', 'json', '-n', '4'], proxy.url, {
      SCHEMA_REGISTRY_AUTH: 'ops:wrong',
    });
    expect(refused.code).toBe(2);
    // records that need no registry (the garbage) may come first; the first one that does is the last printed
    const printed = lines(refused.stdout);
    const last = printed[printed.length - 1]!;
    expect(last.error).toMatchObject({ code: 'REGISTRY_AUTH', fault: 'environment' });
    expect(last.preview!.length).toBeGreaterThan(5);
    expect(printed.slice(0, -1).every((r) => r.error?.fault === 'message')).toBe(true);
    expect(printed.length).toBeLessThan(4);
    expect(refused.stderr).toContain('answered 401');
    expect(refused.stderr).not.toContain('wrong');

    const accepted = await tail([it0.contract.topic, '--from-beginning', '--format', 'json', '-n', '2'], proxy.url, {
      SCHEMA_REGISTRY_AUTH: 'ops:right',
    });
    expect(accepted.code).toBe(0);

    const down = await tail(
      [it0.contract.topic, '--from-beginning', '-n', '4'],
      `http://127.0.0.1:${DEAD_PORT}/apis/ccompat/v7`,
    );
    expect(down.code).toBe(2);
    expect(down.stdout).toContain('not decoded (REGISTRY_UNREACHABLE)');
    expect(down.stderr).toContain(`127.0.0.1:${DEAD_PORT}`);
  });

  it('starts at a partition and offset, or at a time', async () => {
    const all = lines((await tail([it0.contract.topic, '--from-beginning', '--format', 'json', '-n', '4'])).stdout);
    const target = all.find((r) => r.key === 'unknown-id')!;
    const at = lines(
      (
        await tail([
          it0.contract.topic,
          '--partition',
          String(target.partition),
          '--offset',
          target.offset,
          '--format',
          'json',
          '-n',
          '1',
        ])
      ).stdout,
    );
    expect(at.map((r) => [r.partition, r.offset, r.key])).toEqual([[target.partition, target.offset, 'unknown-id']]);

    const latest = all.reduce((a, b) => (Date.parse(a.timestamp) >= Date.parse(b.timestamp) ? a : b));
    const fromTime = lines(
      (await tail([it0.contract.topic, '--from', latest.timestamp, '--format', 'json', '-n', '1'])).stdout,
    );
    expect(Date.parse(fromTime[0]!.timestamp)).toBeGreaterThanOrEqual(Date.parse(latest.timestamp));

    const bad = await tail([it0.contract.topic, '--partition', '99', '-n', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('has no partition 99');
  });

  it('never creates a topic', async () => {
    const missing = `${it0.contract.topic}-does-not-exist`;
    const result = await tail([missing, '-n', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`topic ${missing} does not exist`);
    // nothing is followed: the error is the first thing said
    expect(result.stderr).not.toContain('following');
    const admin = it0.kafka.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(missing);
    } finally {
      await admin.disconnect();
    }
  });
});
