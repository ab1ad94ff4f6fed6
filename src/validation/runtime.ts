/**
 * The modules ajv's standalone validators `require` at run time, served by the kit. Generated
 * validators call this instead of `require`: an ESM service has no `require`, and a service does
 * not depend on ajv itself (a strict installer such as pnpm would not even let it resolve).
 */
import * as equal from 'ajv/dist/runtime/equal';
import * as ucs2length from 'ajv/dist/runtime/ucs2length';
import * as uri from 'ajv/dist/runtime/uri';
import * as validationError from 'ajv/dist/runtime/validation_error';
import * as formats from 'ajv-formats/dist/formats';

const MODULES: Readonly<Record<string, unknown>> = {
  'ajv/dist/runtime/equal': equal,
  'ajv/dist/runtime/ucs2length': ucs2length,
  'ajv/dist/runtime/uri': uri,
  'ajv/dist/runtime/validation_error': validationError,
  'ajv-formats/dist/formats': formats,
};

/** `require` for generated validators: only the helpers ajv's standalone code asks for. */
export function validatorRuntime(id: string): unknown {
  const found = MODULES[id];
  if (found === undefined) {
    throw new Error(
      `a generated validator needs ${id}, which this version of the kit does not provide: run \`npx contracts generate\` with the installed version`,
    );
  }
  return found;
}
