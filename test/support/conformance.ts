/**
 * An outside compatibility conformance corpus (cases with Confluent's verdicts), read by the
 * `conformance` jest project: `npm run test:conformance -- <dir>` puts the folder in
 * CONTRACTS_CONFORMANCE_DIR. The project's own tests never need it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CompatibilityLevel, JsonSchemaPolicy, JsonValue, SchemaFormat } from '../../src/compat';

export const CONFORMANCE_ENV = 'CONTRACTS_CONFORMANCE_DIR';

/** The corpus folder; a run without one fails loudly (never a silent pass). */
export const CONFORMANCE_DIR = (() => {
  const dir = process.env[CONFORMANCE_ENV];
  if (!dir) throw new Error(`${CONFORMANCE_ENV} is not set: run the corpus with \`npm run test:conformance -- <dir>\``);
  return path.resolve(dir);
})();

export interface ConformanceCase {
  id: string;
  level: CompatibilityLevel;
  previous: JsonValue[];
  candidate: JsonValue;
  compatible: boolean;
  why: string;
  policy?: JsonSchemaPolicy;
}

export interface ConformanceFile {
  format: SchemaFormat;
  policy?: JsonSchemaPolicy;
  cases: ConformanceCase[];
}

/** Reads one case file; a missing folder or file fails loudly (never a silent skip). */
export function loadConformance(file: string): ConformanceFile {
  const full = path.join(CONFORMANCE_DIR, file);
  if (!existsSync(full)) {
    throw new Error(`conformance file missing: ${full} (set by \`npm run test:conformance -- <dir>\`)`);
  }
  return JSON.parse(readFileSync(full, 'utf8')) as ConformanceFile;
}
