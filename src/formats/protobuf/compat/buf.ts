/**
 * The opt-in wire reading (`protobufChecks: 'WIRE' | 'WIRE_JSON'`): buf breaking's category of
 * that name, run by buf itself over the two versions' files, beside Confluent's verdict. Confluent
 * accepts some changes that change what a reader sees on the wire (a proto3 number made repeated,
 * a member moved out of its oneof, an enum made an int32); buf's WIRE category refuses them. buf
 * is the reference for these rules, so the kit runs it rather than restating them: it must be
 * installed (`@bufbuild/buf`, from the npm registry), and a finding names buf's rule.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DescFile } from '@bufbuild/protobuf';
import { UsageError } from '../../../errors';
import { sourcesOf } from '../files';

export interface BufFinding {
  /** buf's rule, e.g. FIELD_WIRE_COMPATIBLE_CARDINALITY. */
  rule: string;
  /** `<message>/<field number>` when buf's message names them, else `<file>:<line>`. */
  path: string;
  message: string;
}

/** Both versions' root file, under one name: buf compares files by path. */
const ROOT_FILE = 'schema.proto';

let binary: string | undefined;

function bufBinary(): string {
  if (binary) return binary;
  try {
    binary = require.resolve('@bufbuild/buf/bin/buf');
    return binary;
  } catch {
    throw new UsageError(
      'Protobuf checks WIRE and WIRE_JSON run buf breaking, and @bufbuild/buf is not installed',
      "npm install --save-dev @bufbuild/buf (or check with the default, Confluent's verdict)",
    );
  }
}

function writeModule(dir: string, file: DescFile, category: string | undefined): void {
  const sources = sourcesOf(file);
  if (!sources) throw new Error('internal: a Protobuf version without its sources');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'buf.yaml'),
    category ? `version: v2\nbreaking:\n  use:\n    - ${category}\n` : 'version: v2\n',
  );
  for (const source of sources.files) {
    const name = source.name === sources.root ? ROOT_FILE : source.name;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), source.text);
  }
}

/** What buf breaking's `category` refuses in `input` as a new version of `against`. */
export function bufBreaking(against: DescFile, input: DescFile, category: 'WIRE' | 'WIRE_JSON'): BufFinding[] {
  const bin = bufBinary();
  const dir = mkdtempSync(join(tmpdir(), 'contracts-buf-'));
  try {
    writeModule(join(dir, 'input'), input, category);
    writeModule(join(dir, 'against'), against, undefined);
    let out: string;
    try {
      out = execFileSync(
        process.execPath,
        [bin, 'breaking', '.', '--against', '../against', '--error-format', 'json'],
        {
          cwd: join(dir, 'input'),
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (error) {
      const failed = error as { status?: number; stdout?: string; stderr?: string };
      // 100: buf found breaking changes; anything else is buf failing to run
      if (failed.status !== 100) {
        throw new UsageError(
          `buf breaking failed (exit ${failed.status ?? '?'}): ${(failed.stderr ?? String(error)).trim()}`,
          "check the schema with `buf build`, or use the default Protobuf checks (Confluent's verdict)",
        );
      }
      out = failed.stdout ?? '';
    }
    return out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) =>
        toFinding(JSON.parse(line) as { path: string; start_line: number; type: string; message: string }),
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function toFinding(raw: { path: string; start_line: number; type: string; message: string }): BufFinding {
  const message = /on message "([^"]+)"/.exec(raw.message)?.[1];
  const field = /Field "(\d+)"/.exec(raw.message)?.[1];
  return {
    rule: raw.type,
    path: message ? `${message}${field ? `/${field}` : ''}` : `${raw.path}:${raw.start_line}`,
    message: raw.message,
  };
}
