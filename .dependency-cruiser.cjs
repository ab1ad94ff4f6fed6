/**
 * The layers of the kit, each importing only the ones below it (ARCHITECTURE.md):
 *
 *   cli, ui            presentation: thin shells over operations
 *   operations         registration, topics, tail, stack, asyncapi, monitor, actions: what the CLI and UI do
 *   runtime | codegen  what services run (registry, serde, producer, consumer, transformer, dlq, kafka, telemetry) | the build step
 *   formats            one folder per schema format behind one interface (src/formats): everything
 *                      about a format in src/formats/<format>/, its compatibility rules included
 *   compat             the format-free compatibility engine (src/compat: levels, histories, findings,
 *                      the rule type) the formats' rules plug into; it never imports a format
 *   base               errors, config, contract types, logging, wire framing, validation set-up, and the
 *                      codec runtime generated code imports through src/contract.ts (src/codec-runtime)
 *
 * `npm test` fails on an import that runs back up, and on any import circle.
 */
const BASE =
  '^src/(errors|config|contract|json-text|log|package-info|retry)\\.ts$|^src/(codec-runtime|validation|wire)/';
const FORMATS = '^src/formats/';
const COMPAT = '^src/compat/';
/** Where a format's own code would be outside its folder: the floors keep every format in src/formats/<format>/. */
const FORMAT_FOLDERS_OUTSIDE = '^src/(avro|json|protobuf)/|^src/compat/(avro|json|protobuf)/';
const CODEGEN = '^codegen/';
const RUNTIME =
  '^src/(registry|serde|producer|consumer|transformer|dlq|kafka|telemetry|generated|generated-protobuf)/|^src/bookings\\.ts$';
const OPERATIONS = '^src/(registration|topics|tail|stack|asyncapi|monitor|actions)/';
const PRESENTATION = '^src/(cli|ui)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'base-imports-base-only',
      severity: 'error',
      from: { path: BASE },
      to: {
        path: `${COMPAT}|${FORMATS}|${CODEGEN}|${RUNTIME}|${OPERATIONS}|${PRESENTATION}|^src/(index|testing)\\.ts$`,
      },
    },
    {
      name: 'compat-imports-base-only',
      comment: 'the compatibility engine is format-free: the formats plug their rules into it, never the reverse',
      severity: 'error',
      from: { path: COMPAT },
      to: { path: `${FORMATS}|${CODEGEN}|${RUNTIME}|${OPERATIONS}|${PRESENTATION}|^src/(index|testing)\\.ts$` },
    },
    {
      name: 'formats-import-compat-and-base-only',
      comment: 'codegen and the runtime both build on the formats, so a format knows neither',
      severity: 'error',
      from: { path: FORMATS },
      to: { path: `${CODEGEN}|${RUNTIME}|${OPERATIONS}|${PRESENTATION}|^src/(index|testing)\\.ts$` },
    },
    {
      name: 'no-format-code-outside-formats',
      comment:
        'everything about a format lives in src/formats/<format>/ (reader, codec, serde, compatibility rules): ' +
        'a folder named after a format elsewhere under src/ (src/avro, src/compat/avro, …) is one floor too many',
      severity: 'error',
      from: { path: FORMAT_FOLDERS_OUTSIDE },
      to: {},
    },
    {
      name: 'no-import-of-format-code-outside-formats',
      severity: 'error',
      from: {},
      to: { path: FORMAT_FOLDERS_OUTSIDE },
    },
    {
      name: 'no-lone-format-code-outside-formats',
      comment: 'the two rules above see a module through its imports; this one sees a module with none either way',
      severity: 'error',
      from: { path: FORMAT_FOLDERS_OUTSIDE, orphan: true },
      to: {},
    },
    {
      name: 'codegen-imports-formats-and-base-only',
      severity: 'error',
      from: { path: CODEGEN },
      to: { path: `${RUNTIME}|${OPERATIONS}|${PRESENTATION}|^src/(index|testing)\\.ts$` },
    },
    {
      name: 'runtime-never-imports-codegen-or-above',
      severity: 'error',
      from: { path: RUNTIME },
      to: { path: `${CODEGEN}|${OPERATIONS}|${PRESENTATION}|^src/(index|testing)\\.ts$` },
    },
    {
      name: 'operations-never-import-presentation',
      severity: 'error',
      from: { path: OPERATIONS },
      to: { path: `${PRESENTATION}|^src/(index|testing)\\.ts$` },
    },
    { name: 'ui-never-imports-cli', severity: 'error', from: { path: '^src/ui/' }, to: { path: '^src/cli/' } },
    {
      name: 'codegen-through-its-entry',
      comment: 'code outside codegen/ uses codegen/index.ts, its public entry',
      severity: 'error',
      from: { pathNot: CODEGEN },
      to: { path: CODEGEN, pathNot: '^codegen/index\\.ts$' },
    },
    {
      name: 'every-module-has-a-layer',
      comment: 'a new folder under src/ gets a place in the layers above and in ARCHITECTURE.md',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: `${BASE}|${COMPAT}|${FORMATS}|${RUNTIME}|${OPERATIONS}|${PRESENTATION}|^src/(index|testing)\\.ts$`,
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|bench|examples|dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
  },
};
