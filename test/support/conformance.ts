/**
 * The shared compatibility conformance cases (`../shared/conformance`, beside the repository),
 * read by the offline conformance test and the registry agreement test.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CompatibilityLevel, JsonSchemaPolicy, JsonValue, SchemaFormat } from '../../src/compat';

export const CONFORMANCE_DIR = path.resolve(__dirname, '../../../shared/conformance');

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
    throw new Error(`conformance file missing: ${full} (expected the shared conformance folder next to the repository)`);
  }
  return JSON.parse(readFileSync(full, 'utf8')) as ConformanceFile;
}
