#!/usr/bin/env node
'use strict';
// `npm run api:check` (part of `npm test`) and `npm run api:update`: the package's public surface,
// one API Extractor report per entry point in api/, reviewed in git like code. The check compiles
// the declarations, asks API Extractor for each entry's report, and fails when one differs from the
// committed file: a change to what services can import is then a visible diff in the same commit,
// and CHANGELOG.md says what it means for them.
const { spawnSync } = require('node:child_process');
const { mkdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const root = join(__dirname, '..');
const work = join(root, '.cache', 'api');
const dts = join(work, 'dts');
const update = process.argv.includes('--update');

/** package.json `exports` subpath → its declaration file under dist/ (and so under `dts`). */
const ENTRIES = [
  { name: 'booking-event-contracts', subpath: '.', declarations: 'src/index.d.ts' },
  { name: 'booking-event-contracts-testing', subpath: './testing', declarations: 'src/testing.d.ts' },
  { name: 'booking-event-contracts-wire', subpath: './wire', declarations: 'src/wire/index.d.ts' },
];

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const tsc = spawnSync(
  process.execPath,
  [
    require.resolve('typescript/bin/tsc'),
    ...['-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', dts],
  ],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let failed = 0;
for (const entry of ENTRIES) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: join(dts, entry.declarations),
      compiler: {
        overrideTsconfig: {
          compilerOptions: { strict: true, skipLibCheck: true, types: ['node'], moduleResolution: 'node' },
          files: [join(dts, entry.declarations)],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.name,
        reportFolder: join(root, 'api'),
        reportTempFolder: join(work, 'temp'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // the kit marks no release stages (@public/@beta): everything an entry exports is API
        extractorMessageReporting: { 'ae-missing-release-tag': { logLevel: 'none' } },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: join(root, 'package.json'),
    packageJsonFullPath: join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  if (result.succeeded) {
    console.log(`api: ${entry.subpath} ${result.apiReportChanged ? 'report updated' : 'unchanged'}`);
  } else {
    failed += 1;
    console.error(
      result.apiReportChanged
        ? `api: the public surface of '${entry.subpath}' changed and api/${entry.name}.api.md does not say so.\n` +
            '  If the change is meant: run `npm run api:update`, commit the report, and add a line to CHANGELOG.md.'
        : `api: API Extractor failed on '${entry.subpath}' (${result.errorCount} error(s), ${result.warningCount} warning(s)).`,
    );
  }
}
process.exit(failed === 0 ? 0 : 1);
