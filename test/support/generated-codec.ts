/** A generated `codec.ts` (codegen's `emitCodec`) compiled and loaded as a service would load it, for the emitter tests. */
import ts from 'typescript';
import * as contract from '../../src/contract';
import type { GeneratedCodec } from '../../src/contract';

/** The emitted module compiled to CommonJS and loaded, its runtime import served by `kit` (the kit's entry by default). */
export function loadGeneratedCodec(source: string, exportName: string, kit: object = contract): GeneratedCodec {
  const js = ts.transpileModule(source.replace(/%RUNTIME%/g, 'the-kit'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  const require = (id: string) => {
    if (id !== 'the-kit') throw new Error(`the generated codec requires ${id}`);
    return kit;
  };
  new Function('module', 'exports', 'require', js)(module, module.exports, require);
  return module.exports[exportName] as GeneratedCodec;
}

/** `codec` with each call of its functions counted in `calls`: whether the runtime took the generated path. */
export function countedCodec(codec: GeneratedCodec): { codec: GeneratedCodec; calls: { write: number; read: number } } {
  const calls = { write: 0, read: 0 };
  const events = Object.fromEntries(
    Object.entries(codec.events).map(([type, e]) => [
      type,
      {
        schema: e.schema,
        write: (...args: Parameters<typeof e.write>) => (calls.write++, e.write(...args)),
        read: (...args: Parameters<typeof e.read>) => (calls.read++, e.read(...args)),
      },
    ]),
  );
  return { codec: { format: codec.format, events }, calls };
}
