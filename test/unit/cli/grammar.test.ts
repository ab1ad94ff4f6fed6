/**
 * One CLI grammar: every command that prints results takes `--format`, `--json` still works (and
 * says what to write instead), a bad format or duration is a typed error naming the flag and what
 * it takes. The commands run in this process (`run`, as bin/contracts.js calls it), without servers.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram, run } from '../../../src/cli/main';
import { DURATION_EXAMPLES, formatFrom, JSON_DEPRECATION, parseDuration } from '../../../src/cli/commands/shared';
import { colorsFor } from '../../../src/cli/print/output';
import { renderApply } from '../../../src/cli/print/plan';
import { FlagValueError, UsageError } from '../../../src/errors';
import { configureLogging } from '../../../src/log';
import type { ApplyResult } from '../../../src/registration';
import { ROOT } from '../../support/bookings-samples';

jest.setTimeout(60_000);

const CONFIG = join(ROOT, 'contracts.config.json');

interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** `contracts -c <config> <args>` in this process, its stdout and stderr captured. */
async function cliWith(config: string, ...args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const status = await run(['-c', config, ...args]);
    return { status, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const cli = (...args: string[]) => cliWith(CONFIG, ...args);

let empty: string;
beforeAll(() => {
  // the CLI's default: warnings on stderr as text
  configureLogging({ level: 'warn', format: 'text' });
  empty = mkdtempSync(join(tmpdir(), 'contracts-grammar-'));
  writeFileSync(join(empty, 'contracts.config.json'), '{}');
});
afterAll(() => rmSync(empty, { recursive: true, force: true }));

/** Every command with an action, by its full name (`dlq show`). */
function leaves(command: Command, prefix = ''): Array<[string, Command]> {
  return command.commands.flatMap((c) => {
    const name = `${prefix}${c.name()}`;
    return c.commands.length > 0 ? leaves(c, `${name} `) : [[name, c] as [string, Command]];
  });
}

describe('--format on every command that prints results', () => {
  const commands = leaves(buildProgram());

  it('every command that prints results takes --format (not `ui`, a server, nor the one hash `ui hash-password` prints)', () => {
    const without = commands.filter(([, c]) => !c.options.some((o) => o.long === '--format')).map(([n]) => n);
    // `ui` has a subcommand now, so it is not a leaf here; the server prints no results either
    expect(without).toEqual(['ui hash-password']);
    expect(commands.map(([n]) => n)).toEqual(
      expect.arrayContaining(['generate', 'apply', 'asyncapi', 'dlq list', 'dlq show', 'dlq replay', 'stack status']),
    );
  });

  it('--json is kept, hidden from help, only where it was (tail, dlq show, stack status)', () => {
    const withJson = commands.filter(([, c]) => c.options.some((o) => o.long === '--json')).map(([n]) => n);
    expect(withJson.sort()).toEqual(['dlq show', 'stack status', 'tail']);
    const show = commands.find(([n]) => n === 'dlq show')![1];
    expect(show.helpInformation()).toMatch(/--format <format>/);
    expect(show.helpInformation()).not.toMatch(/--json/);
  });

  // argv that reach --format's parsing; the servers are never asked (a bad format fails first)
  it.each([
    ['generate', ['generate', '--check'], 'text, json'],
    ['apply', ['apply', '--dry-run'], 'text, json'],
    ['register', ['register', '--dry-run'], 'text, json, github'],
    ['check', ['check', '--against', 'HEAD'], 'text, json, github'],
    ['pull', ['pull', '--out', '-'], 'text, json'],
    ['diff', ['diff', 'x'], 'text, json, github'],
    ['ls', ['ls'], 'text, json'],
    ['stack up', ['stack', 'up'], 'text, json'],
    ['stack down', ['stack', 'down'], 'text, json'],
    ['stack status', ['stack', 'status'], 'text, json'],
    ['tail', ['tail'], 'text, json'],
    ['dlq list', ['dlq', 'list'], 'text, json'],
    ['dlq show', ['dlq', 'show'], 'text, json'],
    ['dlq replay', ['dlq', 'replay', '--group', 'g'], 'text, json'],
    ['asyncapi', ['asyncapi', '--check'], 'text, json'],
  ])('%s --format yaml: exit 2, naming the formats it takes', async (_name, args, valid) => {
    const result = await cli(...args, '--format', 'yaml');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--format yaml is not a format');
    expect(result.stderr).toContain(`use one of ${valid}\n`);
  });
});

describe('--format json prints the data as JSON (commands that need no server)', () => {
  it('generate --check', async () => {
    const result = await cli('generate', '--check', '--format', 'json');
    expect(result.status).toBe(0);
    const data = JSON.parse(result.stdout) as { upToDate: boolean; topics: string[]; files: string[] };
    expect(data).toMatchObject({ upToDate: true, topics: ['bookings', 'bookings-proto'] });
    expect(data.files).toContain('bookings/types.ts');
    // text is the same data, for people
    expect((await cli('generate', '--check')).stdout).toMatch(
      new RegExp(`is up to date \\(${data.files.length} files\\)`),
    );
  });

  it('asyncapi --check, and --out - as the document in JSON', async () => {
    const checked = await cli('asyncapi', '--check', '--format', 'json');
    expect(checked.status).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ file: 'asyncapi.yaml', upToDate: true, stale: false });
    // the notes are part of the JSON report, not on stderr
    expect((JSON.parse(checked.stdout) as { notes: string[] }).notes.join()).toMatch(/bookings-proto/);
    expect(checked.stderr).toBe('');
    const document = await cli('asyncapi', '--out', '-', '--format', 'json');
    expect(JSON.parse(document.stdout)).toMatchObject({ asyncapi: '3.0.0' });
  });

  it('check --against HEAD', async () => {
    const result = await cli('check', '--against', 'HEAD', '--format', 'json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ kind: 'git', compatible: true });
  });

  it('stack status and stack down (a folder with no stack)', async () => {
    const config = join(empty, 'contracts.config.json');
    const status = await cliWith(config, 'stack', 'status', '--format', 'json');
    expect(status.status).toBe(1); // not running: a finding
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'stopped', brokers: expect.any(Array) });
    const down = await cliWith(config, 'stack', 'down', '--format', 'json');
    expect(down.status).toBe(0);
    expect(JSON.parse(down.stdout)).toEqual({ stopped: [], purged: false });
  });
});

describe('--json, the old spelling', () => {
  it('prints what --format json prints, and one warning on stderr saying what to write instead', async () => {
    const config = join(empty, 'contracts.config.json');
    const old = await cliWith(config, 'stack', 'status', '--json');
    const now = await cliWith(config, 'stack', 'status', '--format', 'json');
    expect(JSON.parse(old.stdout)).toEqual(JSON.parse(now.stdout));
    const warnings = old.stderr.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/warn\s+contracts: --json is deprecated .* --format json, which prints the same/);
    expect(warnings[0]).toContain('CHANGELOG.md');
    expect(now.stderr).toBe('');
  });

  it('with another --format is a usage error', async () => {
    const result = await cli('tail', '--json', '--format', 'text');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--json and --format text ask for two formats/);
  });

  it('formatFrom: --json is json, warned through the logger', () => {
    const entries: string[] = [];
    configureLogging({ sink: (entry) => entries.push(entry.message) });
    try {
      expect(formatFrom({ json: true }, ['text', 'json'])).toBe('json');
      expect(formatFrom({}, ['text', 'json'])).toBe('text');
      expect(formatFrom({ format: 'github' }, ['text', 'json', 'github'])).toBe('github');
    } finally {
      configureLogging({ sink: undefined });
    }
    expect(entries).toEqual([JSON_DEPRECATION]);
  });
});

describe('durations: one grammar, one parser', () => {
  it.each([
    ['500ms', 'ms', 500],
    ['30s', 'ms', 30_000],
    ['5m', 's', 300_000],
    ['1h', 's', 3_600_000],
    ['1.5s', 'ms', 1500],
    // a bare number keeps the unit the flag always had
    ['60000', 'ms', 60_000],
    ['90', 's', 90_000],
  ] as const)('%s (bare: %s) is %d ms', (value, bare, ms) => {
    expect(parseDuration(value, '--timeout', bare)).toBe(ms);
  });

  it.each(['soon', '', '-5s', '5 parsecs', '1d', 's'])(
    '"%s" is a FlagValueError naming the flag and examples',
    (value) => {
      let error: unknown;
      try {
        parseDuration(value, '--timeout', 's');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FlagValueError);
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'USAGE', flag: '--timeout', value, valid: DURATION_EXAMPLES });
      expect((error as FlagValueError).message).toBe(`--timeout must be a duration, got "${value}"`);
      expect((error as FlagValueError).hint).toBe('write it as 500ms, 30s, 5m, 1h; a bare number is seconds');
    },
  );

  it('a range is checked in the same grammar', () => {
    expect(() => parseDuration('2h', '--timeout', 's', { min: 1000, max: 3_600_000 })).toThrow(
      '--timeout must be from 1s to 1h, got "2h"',
    );
    expect(() => parseDuration('0', '--timeout', 'ms')).toThrow('--timeout must be at least 1ms, got "0"');
  });

  it.each([
    ['dlq list', ['dlq', 'list', '--timeout', 'soon'], 'milliseconds'],
    ['dlq show', ['dlq', 'show', '--timeout', '10 s'], 'milliseconds'],
    ['dlq replay', ['dlq', 'replay', '--group', 'g', '--timeout', '1d'], 'milliseconds'],
    ['stack up', ['stack', 'up', '--timeout', 'forever'], 'seconds'],
  ])('%s: a bad --timeout ends with exit 2 before any server is asked', async (_name, args, unit) => {
    const result = await cli(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error --timeout must be a duration, got "/);
    expect(result.stderr).toContain(`fix: write it as 500ms, 30s, 5m, 1h; a bare number is ${unit}`);
  });

  it('help shows the grammar and the unit of a bare number', () => {
    const stack = buildProgram().commands.find((c) => c.name() === 'stack')!;
    expect(stack.commands.find((c) => c.name() === 'up')!.helpInformation()).toMatch(
      /--timeout <duration>\s+how long to wait for the servers: 500ms, 30s, 5m, or a\s+bare number of seconds \(default: "90s"\)/,
    );
  });
});

describe('apply --dry-run', () => {
  const ctx = { format: 'text' as const, colors: colorsFor({ isTTY: false }, {}), cwd: '/p' };
  const result: ApplyResult = {
    dryRun: true,
    topics: {
      entries: [
        {
          topic: 'orders',
          role: 'topic',
          configTopic: 'orders',
          action: 'create',
          partitions: { current: undefined, wanted: 3 },
          replicationFactor: { current: undefined, wanted: 1 },
          configChanges: [],
          warnings: [],
        },
      ],
    } as unknown as NonNullable<ApplyResult['topics']>,
    plan: {
      registryUrl: 'http://registry',
      globalLevel: 'BACKWARD',
      compatible: true,
      failed: 0,
      subjects: [
        { subject: 'orders-value', status: 'new-subject', level: 'BACKWARD', registryLevel: null, path: '/p/s.avsc' },
      ],
    } as unknown as NonNullable<ApplyResult['plan']>,
  };

  it('names `contracts apply`, the command that carries the plan out', () => {
    const text = renderApply(result, ctx);
    expect(text).toMatch(/run `contracts apply` to make these changes\n$/);
    expect(text).not.toContain('contracts register');
  });

  it('prints one JSON document for topics and subjects', () => {
    expect(JSON.parse(renderApply(result, { ...ctx, format: 'json' }))).toEqual(result);
  });
});

it('the README and docs spell it --format json, never --json', () => {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))];
  const old = files.filter(
    (f) => f.endsWith('.md') && /contracts [^\n`]*--json\b/.test(readFileSync(join(ROOT, f), 'utf8')),
  );
  expect(old).toEqual([]);
});
