/**
 * What the formats' example events share (each format builds its own in <format>/asyncapi.ts): an
 * example event for each message, taken from the schema: a JSON Schema's `examples`, `const`,
 * `default` or first `enum` value, an example the field's documentation gives ("e.g. LH400", "for
 * example USD"), else a fixed value of the type. Deterministic, so the document only changes when
 * a schema does. The caller checks the example against the schema and leaves out one that does
 * not fit (a `pattern` without `examples`, say).
 */

/** 2025-01-15T10:30:00Z: a fixed instant, so the examples never drift. */
export const EXAMPLE_INSTANT = Date.UTC(2025, 0, 15, 10, 30);
export const EXAMPLE_UUID = '3f2b8c1e-6b5f-4c43-9a55-0d8d9f6c8e01';

/** The example a field's documentation gives: "e.g. LH400." → LH400, "for example USD, EUR" → USD. */
export function documentedExample(doc: unknown): string | undefined {
  if (typeof doc !== 'string') return undefined;
  const found = /\b(?:e\.g\.|for example)[,:]?\s+([^\s,;()]+)/i.exec(doc)?.[1];
  return found?.replace(/[.:]+$/, '') || undefined;
}

/** Field values an example event takes as given. */
export interface ExampleOverrides {
  /** Field name → value (the discriminator's value is the event type). */
  fields: Record<string, unknown>;
}
