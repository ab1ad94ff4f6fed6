/**
 * The types codegen would give a registered JSON Schema and the documents it references, for the
 * UI's TypeScript view: one bundle whose definitions are named by title.
 */
import { type JsonSchema, typeScriptName } from '../model';
import type { ReferenceSource, RegisteredText, TypesBundle } from '../format';
import { rewriteRefs } from './refs';

// a definition inside the bundle has no identity or dialect of its own
const BUNDLED_AWAY = new Set(['$id', '$schema']);

/** JSON Schema: each referenced document becomes a definition named by its title, `$ref`s rewritten to it. */
export async function jsonRegisteredTypes(
  rootStored: RegisteredText,
  registry: ReferenceSource,
  rootName: string,
): Promise<TypesBundle> {
  const definitions: Record<string, JsonSchema> = {};
  const seen = new Map<string, string>();
  // a document with its `$ref`s pointing at definitions, which it adds for what it references
  const add = async (stored: RegisteredText, trail: string[]): Promise<JsonSchema> => {
    const json = JSON.parse(stored.schema) as JsonSchema;
    const targets = new Map<string, string>();
    for (const ref of stored.references) {
      const key = `${ref.subject}\u0000${ref.version}`;
      let name = seen.get(key);
      if (!name && !trail.includes(key)) {
        const dependency = await registry.getSubjectVersion(ref.subject, ref.version);
        const depJson = JSON.parse(dependency.schema) as JsonSchema;
        name = uniqueName(
          typeof depJson.title === 'string' ? typeScriptName(depJson.title) : typeScriptName(ref.subject),
          definitions,
        );
        seen.set(key, name);
        definitions[name] = {}; // reserve the name before recursing
        definitions[name] = { ...(await add(dependency, [...trail, key])), title: name };
      }
      if (name) targets.set(ref.name, name);
    }
    return rewriteRefs(
      json,
      (ref) => {
        if (ref.startsWith('#')) return ref;
        const [target, fragment] = ref.split('#');
        const name = targets.get(target!);
        return name ? `#/definitions/${name}${fragment ?? ''}` : ref;
      },
      { drop: BUNDLED_AWAY },
    ) as JsonSchema;
  };
  const root = await add(rootStored, []);
  const title = typeof root.title === 'string' ? typeScriptName(root.title) : rootName;
  return { root: { ...root, title: uniqueName(title, definitions) }, definitions };
}

function uniqueName(name: string, taken: Record<string, unknown>): string {
  if (!(name in taken)) return name;
  let n = 2;
  while (`${name}${n}` in taken) n++;
  return `${name}${n}`;
}
