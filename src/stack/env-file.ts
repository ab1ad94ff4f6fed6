/**
 * The env file (`.stack/env`) hands the stack's addresses to tests and to the CLI: plain
 * `NAME=value` lines, so shells can `source` it and `dotenv` loaders can read it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StackEnv {
  /** Comma-separated `host:port` list, as kafkajs `brokers` takes it after a split. */
  KAFKA_BROKERS: string;
  /** Base URL of the Confluent-compatible API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`. */
  SCHEMA_REGISTRY_URL: string;
}

export const STACK_ENV_NAMES = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'] as const;

export function formatStackEnv(env: StackEnv): string {
  return STACK_ENV_NAMES.map((name) => `${name}=${env[name]}`).join('\n') + '\n';
}

/** Parses `NAME=value` lines; blank lines and `#` comments are ignored. */
export function parseEnvLines(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line
      .slice(0, eq)
      .replace(/^export\s+/, '')
      .trim();
    values[name] = line
      .slice(eq + 1)
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

export function writeStackEnvFile(file: string, env: StackEnv): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, formatStackEnv(env));
}

/** The env file's values, or undefined when there is no file or it lacks a name. */
export function readStackEnvFile(file: string): StackEnv | undefined {
  if (!existsSync(file)) return undefined;
  const values = parseEnvLines(readFileSync(file, 'utf8'));
  const brokers = values.KAFKA_BROKERS;
  const registry = values.SCHEMA_REGISTRY_URL;
  if (!brokers || !registry) return undefined;
  return { KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registry };
}
