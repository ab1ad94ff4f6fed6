/**
 * A broker's refusal, as @platformatic/kafka's error reaches the kit: the KafkaError names the
 * broker's error type (the library's message names only the API), says whether trying again helps,
 * and hints at the fix. The errors are the library's own classes, made in a Node.js process of
 * their own: the library is ES modules only, which Node.js loads for the kit (require(esm)) but
 * jest on Node 22 does not.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

interface Wrapped {
  code: string;
  retriable: boolean;
  message: string;
  hint: string;
}

/** toKafkaError of the ResponseError the library rejects a ConsumerGroupHeartbeat (API key 68) with, for each broker error code. */
function heartbeatRefusals(codes: number[]): Wrapped[] {
  const script = `
    const { ResponseError } = require('@platformatic/kafka');
    const { toKafkaError } = require('./src/kafka/client.ts');
    const out = ${JSON.stringify(codes)}.map((code) => {
      const e = toKafkaError(new ResponseError(68, 0, { '': [code, null] }, {}), 'joining group billing', 'bookings', ['127.0.0.1:9092']);
      return { code: e.code, retriable: e.retriable, message: e.message, hint: e.hint };
    });
    process.stdout.write(JSON.stringify(out));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the child failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Wrapped[];
}

describe('toKafkaError on a platformatic refusal', () => {
  const [unreleased, unknownMember, saslRefused] = heartbeatRefusals([111, 25, 58]);

  it('names UNRELEASED_INSTANCE_ID, makes it retriable and says why a restarted static member waits', () => {
    expect(unreleased).toMatchObject({ code: 'KAFKA', retriable: true });
    expect(unreleased!.message).toContain('UNRELEASED_INSTANCE_ID');
    expect(unreleased!.message).toContain('at 127.0.0.1:9092');
    expect(unreleased!.hint).toMatch(/membership\.instanceId.*session has not expired/);
  });

  it('names another refusal by its type, without the instance-id hint', () => {
    expect(unknownMember!.message).toContain('UNKNOWN_MEMBER_ID');
    expect(unknownMember!.hint).not.toMatch(/instanceId/);
  });

  it('makes refused SASL credentials final, whatever the library says, and points at them', () => {
    expect(saslRefused).toMatchObject({ code: 'KAFKA', retriable: false });
    expect(saslRefused!.message).toContain('SASL_AUTHENTICATION_FAILED');
    expect(saslRefused!.hint).toMatch(/SASL credentials/);
  });
});
