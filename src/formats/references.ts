/**
 * Schema references: a schema names others by subject and version, which may name others in turn.
 * Parsing needs them all, dependencies first, each once (a diamond such as two events that both use
 * Money must not define Money twice).
 */
import type { ReferenceSource, RegisteredText } from './format';

/** The schemas `root` depends on, dependencies first, followed by `root` itself. */
export async function withReferences<S extends RegisteredText>(registry: ReferenceSource<S>, root: S): Promise<S[]> {
  const ordered: S[] = [];
  const seen = new Set<string>();
  const visit = async (schema: S, trail: string[]): Promise<void> => {
    for (const ref of schema.references) {
      const key = `${ref.subject}\u0000${ref.version}`;
      if (seen.has(key)) continue;
      // a cycle would recurse forever; the registries refuse cycles, but a schema read from a
      // message must never hang the decoder
      if (trail.includes(key)) continue;
      const dependency = await registry.getSubjectVersion(ref.subject, ref.version);
      await visit(dependency, [...trail, key]);
      if (!seen.has(key)) {
        seen.add(key);
        ordered.push(dependency);
      }
    }
  };
  await visit(root, []);
  ordered.push(root);
  return ordered;
}

/**
 * The schema of `schemas` a reference of `from` names: the same subject, and the same version where
 * both say one (a contract's schemas carry no version). How a format names each file by the
 * reference's `name`.
 */
export function referencedSchema<S extends { subject?: string; version?: number }>(
  schemas: readonly S[],
  from: S,
  ref: { subject: string; version?: number },
): S | undefined {
  return schemas.find(
    (s) =>
      s !== from &&
      s.subject === ref.subject &&
      (ref.version === undefined || s.version === undefined || s.version === ref.version),
  );
}
