/**
 * What the commands share, in one place: where the config, the topic and the registry come from,
 * and the one grammar of the CLI's flags (`--format text|json|…`, durations, whole numbers). A
 * command parses its flags with these, calls one library function and hands the result to a
 * printer; only the entry point (main.ts) turns errors into exit codes.
 */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { loadConfig, type ContractsConfig, type TopicConfig } from '../../config';
import { ContractsError, FlagValueError, UsageError } from '../../errors';
import { createLogger } from '../../log';
import { REGISTRY_ENV, resolveRegistry, urlHasPassword, type SchemaRegistryClient } from '../../registry';
import type { PrintContext } from '../print/check';
import { colorsFor, parseFormat, type OutputFormat } from '../print/output';

/** `--registry <url>` or SCHEMA_REGISTRY_URL; credentials come from the URL or SCHEMA_REGISTRY_AUTH / _TOKEN. */
export function registryFrom(url: string | undefined): SchemaRegistryClient {
  if (url && urlHasPassword(url)) {
    createLogger('contracts').warn(
      `--registry carries a password, which every user of this machine can read in the process list: set ${REGISTRY_ENV.AUTH} or ${REGISTRY_ENV.AUTH_FILE} (a file holding user:password) instead`,
    );
  }
  return resolveRegistry(url);
}

/** The config named by the global `-c, --config`. */
export function configOf(command: Command): ContractsConfig {
  return loadConfig(command.optsWithGlobals().config as string);
}

/** The topic named on the command line, or the config's first; unknown names are taken as they are. */
export function pickTopic(command: Command, name: string | undefined): TopicConfig {
  const config = configOf(command);
  const first = config.topics[0]!;
  if (name === undefined) return first;
  return (
    config.topics.find((t) => t.name === name) ?? {
      ...first,
      name,
      deadLetterTopic: `${name}.dlq`,
    }
  );
}

/** Writes a file the command was asked to write (`--out`); a path it cannot write is a usage error. */
export function writeOut(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (cause) {
    throw new ContractsError(
      'USAGE',
      `cannot write ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      {
        cause,
        hint: 'pass a writable path with --out',
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// --format: every command that prints results takes it; it picks a printer, never the data.

export interface FormatFlags {
  format?: string;
  /** The old spelling of `--format json`, kept (with a warning) where it existed. */
  json?: boolean;
}

export const JSON_DEPRECATION =
  '--json is deprecated and goes in 1.0: it is now spelled --format json, which prints the same (see "One CLI grammar" in the kit\'s CHANGELOG.md)';

/**
 * Adds `--format <format>` for these formats (the first is the default) and, with `legacyJson`,
 * the hidden `--json` the command took before.
 */
export function withFormat(
  command: Command,
  formats: readonly OutputFormat[],
  options: { legacyJson?: boolean; what?: string } = {},
): Command {
  const what = options.what ? ` (${options.what})` : '';
  command.option('--format <format>', `${formats.join(', ')}${what}; default ${formats[0]}`);
  if (options.legacyJson) command.addOption(new Option('--json', 'deprecated: use --format json').hideHelp());
  return command;
}

/** The format the flags ask for; `--json` still works, and says what to write instead. */
export function formatFrom<F extends OutputFormat>(flags: FormatFlags, formats: readonly F[]): F {
  if (flags.json) {
    if (flags.format !== undefined && flags.format !== 'json') {
      throw new UsageError(
        `--json and --format ${flags.format} ask for two formats`,
        'pass only --format (--json is the old spelling of --format json)',
      );
    }
    createLogger('contracts').warn(JSON_DEPRECATION);
    return parseFormat('json', formats);
  }
  return parseFormat(flags.format ?? formats[0], formats);
}

/** What a printer needs: the format the flags ask for, colours for stdout, the folder paths are shown from. */
export function printContext(flags: FormatFlags, formats: readonly OutputFormat[]): PrintContext {
  return { format: formatFrom(flags, formats), colors: colorsFor(process.stdout), cwd: process.cwd() };
}

// ---------------------------------------------------------------------------------------------
// Durations: one grammar for every flag that takes one.

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
export type DurationUnit = keyof typeof UNIT_MS;
const UNIT_NAME: Record<DurationUnit, string> = { ms: 'milliseconds', s: 'seconds', m: 'minutes', h: 'hours' };
export const DURATION_EXAMPLES = ['500ms', '30s', '5m', '1h'] as const;

/** The help text of a duration flag: what it does, the grammar, and the unit of a bare number. */
export function durationHelp(description: string, bare: DurationUnit): string {
  return `${description}: ${DURATION_EXAMPLES.slice(0, 3).join(', ')}, or a bare number of ${UNIT_NAME[bare]}`;
}

/**
 * A duration flag's value in milliseconds: a number with a unit (`500ms`, `30s`, `1.5m`, `1h`), or
 * a bare number in the unit the flag always had (`bare`), so that old command lines keep working.
 */
export function parseDuration(
  value: string,
  flag: string,
  bare: DurationUnit,
  range: { min?: number; max?: number } = {},
): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? bare) as DurationUnit]) : NaN;
  const { min = 1, max = Number.MAX_SAFE_INTEGER } = range;
  if (!Number.isSafeInteger(ms)) {
    throw new FlagValueError(
      flag,
      value,
      DURATION_EXAMPLES,
      `${flag} must be a duration, got "${value}"`,
      `write it as ${DURATION_EXAMPLES.join(', ')}; a bare number is ${UNIT_NAME[bare]}`,
    );
  }
  if (ms < min || ms > max) {
    throw new FlagValueError(
      flag,
      value,
      DURATION_EXAMPLES,
      `${flag} must be ${max === Number.MAX_SAFE_INTEGER ? `at least ${showMs(min)}` : `from ${showMs(min)} to ${showMs(max)}`}, got "${value}"`,
      `e.g. ${flag} ${DURATION_EXAMPLES[1]}`,
    );
  }
  return ms;
}

function showMs(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

// ---------------------------------------------------------------------------------------------
// Whole numbers (counts, offsets, ports).

/** A whole-number flag from `min` to `max`; undefined when the flag was not given. */
export function integerFlag(
  value: string | undefined,
  flag: string,
  min: number,
  { max = Number.MAX_SAFE_INTEGER, hint }: { max?: number; hint?: string } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a whole number ${range}, got "${value}"`, hint);
  }
  return n;
}
