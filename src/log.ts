/**
 * The kit's logger: one line per entry on stderr, warnings and errors by default. kafkajs's own
 * entries come through it too (src/kafka/log.ts), so a service sees one format and one switch.
 *
 *   CONTRACTS_LOG_LEVEL=debug|info|warn|error|silent   (the CLI: --log-level)
 *   CONTRACTS_LOG_FORMAT=text|json                      (the CLI: --log-format)
 *
 * A service that has its own logger passes `configureLogging({ sink })` and gets every entry.
 */
import { UsageError } from './errors';

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = Exclude<(typeof LOG_LEVELS)[number], 'silent'>;
export type LogFormat = 'text' | 'json';

export const LOG_ENV = { LEVEL: 'CONTRACTS_LOG_LEVEL', FORMAT: 'CONTRACTS_LOG_FORMAT' } as const;

export interface LogEntry {
  level: LogLevel;
  /** Who logs: `kafkajs`, `consumer`, `producer`, … */
  logger: string;
  message: string;
  timestamp: Date;
  /** Structured details (broker, clientId, topic, error). */
  fields?: Record<string, unknown>;
}

export interface LoggingOptions {
  level?: LogLevel | 'silent';
  format?: LogFormat;
  /** Receives every entry at or above the level instead of stderr. */
  sink?: (entry: LogEntry) => void;
}

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Whether an entry of this level would be written (to skip building costly messages). */
  enabled(level: LogLevel): boolean;
}

const RANK: Record<LogLevel | 'silent', number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

type Settings = { level: LogLevel | 'silent'; format: LogFormat; sink?: (entry: LogEntry) => void };
let settings: Settings | undefined;

/** Read from the environment on first use; a bad value is reported once and the default used. */
function current(): Settings {
  if (settings) return settings;
  settings = { level: 'warn', format: 'text' };
  const problems: string[] = [];
  const read = <T>(name: string, parse: (value: string, from: string) => T, apply: (value: T) => void) => {
    const value = process.env[name];
    if (value === undefined || value === '') return;
    try {
      apply(parse(value, name));
    } catch (error) {
      problems.push((error as Error).message);
    }
  };
  read(LOG_ENV.LEVEL, parseLogLevel, (level) => (settings!.level = level));
  read(LOG_ENV.FORMAT, parseLogFormat, (format) => (settings!.format = format));
  for (const problem of problems) createLogger('contracts').warn(`${problem}; using the default`);
  return settings;
}

/** The level in force (for clients that filter at the source, such as kafkajs). */
export function currentLogLevel(): LogLevel | 'silent' {
  return current().level;
}

export function parseLogLevel(value: string, from: string): LogLevel | 'silent' {
  const level = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel | 'silent';
  throw new UsageError(`${from} is "${value}"; allowed: ${LOG_LEVELS.join(', ')}`);
}

export function parseLogFormat(value: string, from: string): LogFormat {
  const format = value.trim().toLowerCase();
  if (format === 'text' || format === 'json') return format;
  throw new UsageError(`${from} is "${value}"; allowed: text, json`);
}

/** Changes where and how much the kit logs, for the whole process. */
export function configureLogging(options: LoggingOptions): void {
  settings = { ...current(), ...options };
}

export function createLogger(name: string): Logger {
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    const { level: threshold, format, sink } = current();
    if (RANK[level] > RANK[threshold]) return;
    const entry: LogEntry = { level, logger: name, message, timestamp: new Date(), fields };
    if (sink) sink(entry);
    else process.stderr.write(format === 'json' ? `${JSON.stringify(toJson(entry))}\n` : `${toText(entry)}\n`);
  };
  return {
    error: (message, fields) => write('error', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    info: (message, fields) => write('info', message, fields),
    debug: (message, fields) => write('debug', message, fields),
    enabled: (level) => RANK[level] <= RANK[current().level],
  };
}

function toJson(entry: LogEntry): Record<string, unknown> {
  return {
    time: entry.timestamp.toISOString(),
    level: entry.level,
    logger: entry.logger,
    message: entry.message,
    ...entry.fields,
  };
}

/** `2026-12-01T10:00:48.475Z warn  kafkajs: message (broker 127.0.0.1:9092, clientId billing)` */
export function toText(entry: LogEntry): string {
  const details = Object.entries(entry.fields ?? {})
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${entry.timestamp.toISOString()} ${entry.level.padEnd(5)} ${entry.logger}: ${entry.message}${details.length ? ` (${details.join(', ')})` : ''}`;
}

export interface RateLimitOptions {
  /** Lines of one kind written per interval; the rest are counted. Default 10. */
  lines?: number;
  /** Default 10 s. */
  intervalMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

export interface RateLimitedLogger {
  /** Writes the line unless `kind` already wrote `lines` in this interval; then it is counted. */
  write(level: LogLevel, kind: string, message: string, fields?: Record<string, unknown>): void;
  /** Writes the counts of what was held back (when the interval ends, and on stop). */
  flush(): void;
}

/**
 * A flood of the same kind of line (a poison burst dead-lettering thousands of records) becomes
 * `lines` lines per interval and one count of the rest: `2,510 more "dead-lettered" lines in the
 * last 10 s`, written when the kind logs again after the interval, or on flush().
 */
export function rateLimited(logger: Logger, options: RateLimitOptions = {}): RateLimitedLogger {
  const limit = options.lines ?? 10;
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  const kinds = new Map<string, { since: number; written: number; held: number; level: LogLevel }>();
  const report = (kind: string, state: { since: number; held: number; level: LogLevel }) => {
    if (state.held === 0) return;
    const seconds = Math.max(1, Math.round((now() - state.since) / 1000));
    logger[state.level](
      `${state.held.toLocaleString('en')} more "${kind}" lines in the last ${seconds} s (at most ${limit} every ${intervalMs / 1000} s are written)`,
      { kind, held: state.held },
    );
    state.held = 0;
  };
  return {
    write(level, kind, message, fields) {
      if (!logger.enabled(level)) return;
      const t = now();
      let state = kinds.get(kind);
      if (!state || t - state.since >= intervalMs) {
        if (state) report(kind, state);
        state = { since: t, written: 0, held: 0, level };
        kinds.set(kind, state);
      }
      if (state.written < limit) {
        state.written += 1;
        logger[level](message, fields);
      } else state.held += 1;
    },
    flush() {
      for (const [kind, state] of kinds) report(kind, state);
    },
  };
}
