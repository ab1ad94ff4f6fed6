/**
 * What every format's generated `codec.ts` shares around its own functions (codegen's
 * `emitCodec`): the import of the kit's versioned runtime, the check that the installed kit has
 * it, the helpers taken from it, and the GeneratedCodec export with one writer and one reader per
 * event; and the names of the generated functions, which depend on the type alone.
 */
import type { SchemaFormat } from '../config';
import type { TopicModel } from './model';

/** The generated source and the name of the GeneratedCodec it exports. */
export interface CodecSource {
  source: string;
  exportName: string;
}

/** One event's entry in the GeneratedCodec: its fingerprint and the functions the runtime wraps. */
export interface CodecModuleEntry {
  eventType: string;
  /** The event's decoded TypeScript type (types.ts). */
  typeName: string;
  /** Fingerprint of what the functions were generated from. */
  schema: string;
  write: string;
  read: string;
}

export interface CodecModuleParts {
  format: SchemaFormat;
  /** How the header comment names the encoding ("Avro"). */
  encoding: string;
  /** The runtime's versioned export, e.g. `avroCodecRuntimeV1`. */
  runtimeExport: string;
  /** The runtime helpers the functions call (`encoder` and `decoder` are added). */
  helpers: Iterable<string>;
  constants: readonly string[];
  lines: readonly string[];
  entries: readonly CodecModuleEntry[];
}

export function codecModuleSource(model: TopicModel, parts: CodecModuleParts): CodecSource {
  const { runtimeExport, constants, entries } = parts;
  const exportName = `${model.baseName[0]!.toLowerCase()}${model.baseName.slice(1)}Codec`;
  const helpers = [...new Set([...parts.helpers, 'encoder', 'decoder'])].sort();
  const lines = [
    '/* eslint-disable */',
    `import * as kit from '%RUNTIME%';`,
    "import type { GeneratedCodec } from '%RUNTIME%';",
    `import type { ${entries.map((e) => e.typeName).join(', ')} } from './types.js';`,
    '',
    `// The ${parts.encoding} binary encoding is the kit's (version 1); a kit without it cannot run this file.`,
    `if (typeof kit.${runtimeExport} !== 'function') {`,
    '  throw new Error(',
    `    "this codec.ts needs ${runtimeExport}, which the installed '%RUNTIME%' does not provide: run \`npx contracts generate\` with the installed version",`,
    '  );',
    '}',
    'const {',
    ...helpers.map((h) => `  ${h},`),
    `} = kit.${runtimeExport}();`,
    '',
    ...constants,
    ...(constants.length > 0 ? [''] : []),
    ...parts.lines,
    `/** The ${model.config.name} topic's events, written and read for exactly their schemas. */`,
    `export const ${exportName}: GeneratedCodec = {`,
    `  format: '${parts.format}',`,
    '  events: {',
    ...entries.flatMap((e) => [
      `    ${JSON.stringify(e.eventType)}: {`,
      `      schema: '${e.schema}',`,
      `      write: encoder(${e.write}),`,
      `      read: decoder<${e.typeName}>(${e.read}),`,
      '    },',
    ]),
    '  },',
    '};',
    '',
  ];
  return { source: lines.join('\n'), exportName };
}

/**
 * The first lines of a generated writer of an object with exactly `keys`: `v` is a plain object
 * (not null, not an array) with no other enumerable property, inherited ones included, as the
 * validator's `additionalProperties: false` has it; `fail` is the runtime's failure.
 */
export function closedObjectCheck(name: string, keys: readonly string[], fail: string): string[] {
  return [
    `function ${name}(v: any): void {`,
    `  if (typeof v !== 'object' || v === null || Array.isArray(v)) ${fail}();`,
    '  for (const key in v) {',
    '    switch (key) {',
    ...keys.map((key) => `      case ${JSON.stringify(key)}:`),
    '        break;',
    '      default:',
    `        ${fail}();`,
    '    }',
    '  }',
  ];
}

/**
 * Names of generated functions and constants: one per key (what it is for), the preferred name
 * unless another key or the runtime has it, then a deterministic suffix. Names depend on the type
 * alone, never on the order the emitter met it, so one type more adds lines and renames none.
 */
export class FunctionNames {
  private readonly taken: Set<string>;
  private readonly byKey = new Map<string, string>();
  constructor(reserved: Iterable<string>) {
    this.taken = new Set(reserved);
  }

  name(key: string, preferred: string): { name: string; fresh: boolean } {
    const known = this.byKey.get(key);
    if (known) return { name: known, fresh: false };
    let name = preferred;
    for (let n = 2; this.taken.has(name); n++) name = `${preferred}_${n}`;
    this.taken.add(name);
    this.byKey.set(key, name);
    return { name, fresh: true };
  }
}
