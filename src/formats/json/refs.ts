/** The one walk over a JSON Schema's `$ref`s that codegen's bundling and the UI's types view share. */
import type { JsonSchema } from '../model';

export interface RewriteOptions {
  /** Keywords left out of the copy (a bundled document's `$id`, `$schema`). */
  drop?: ReadonlySet<string>;
  /** `{ $ref, ...siblings }` becomes `{ allOf: [{ $ref }], ...siblings }` (draft-07 ignores a $ref's siblings). */
  wrapSiblings?: boolean;
}

/** A copy of `node` with every string `$ref` replaced by what `rewriteRef` makes of it. */
export function rewriteRefs(node: unknown, rewriteRef: (ref: string) => string, options: RewriteOptions = {}): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, rewriteRef, options));
  if (!node || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (options.drop?.has(key)) continue;
    out[key] =
      key === '$ref' && typeof value === 'string' ? rewriteRef(value) : rewriteRefs(value, rewriteRef, options);
  }
  if (options.wrapSiblings && typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...siblings } = out;
    return { allOf: [{ $ref }], ...siblings };
  }
  return out;
}
