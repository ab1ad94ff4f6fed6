/**
 * TopicModel → `validators.ts`: ajv standalone code for each event, compiled now so that services
 * do not compile schemas at start-up. The code is CommonJS; a wrapper gives it typed exports, and
 * the helpers it `require`s come from the kit (validatorRuntime): an ESM service has no `require`,
 * and ajv is the kit's dependency, not the service's.
 */
import standaloneCode from 'ajv/dist/standalone';
import { createAjv } from '../src/validation/ajv';
import type { TopicModel } from '../src/formats/model';

export function validatorName(typeName: string): string {
  return `validate${typeName}`;
}

export function emitValidators(model: TopicModel): string {
  const ajv = createAjv({ lines: true });
  for (const schema of model.validatorSchemas) ajv.addSchema(schema);
  const exportsMap: Record<string, string> = {};
  for (const event of model.events) {
    const id = String(event.writableSchema.$id);
    if (!ajv.getSchema(id)) ajv.addSchema(event.writableSchema);
    exportsMap[validatorName(event.typeName)] = id;
  }
  const code = standaloneCode(ajv, exportsMap);
  const names = Object.keys(exportsMap);
  const needsRuntime = /\brequire\(/.test(code);
  return [
    '/* eslint-disable */',
    '// @ts-nocheck: ajv standalone output, checked by ajv when it was generated',
    needsRuntime
      ? "import { validatorRuntime, type CompiledValidator } from '%RUNTIME%';"
      : "import type { CompiledValidator } from '%RUNTIME%';",
    '',
    needsRuntime ? 'const compiled = ((module, require) => {' : 'const compiled = ((module) => {',
    'const exports = module.exports;',
    code,
    'return module.exports;',
    needsRuntime ? '})({ exports: {} }, validatorRuntime);' : '})({ exports: {} });',
    '',
    ...names.map((name) => `export const ${name} = compiled.${name} as CompiledValidator;`),
    '',
  ].join('\n');
}
