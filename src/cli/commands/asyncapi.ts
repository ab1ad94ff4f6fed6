import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_ASYNCAPI_FILE,
  buildAsyncApiDocument,
  compareAsyncApi,
  formatOf,
  renderAsyncApi,
} from '../../asyncapi';
import { FindingsExit } from '../exit';
import { renderAsyncApiCheck, renderAsyncApiWritten } from '../print/asyncapi';
import { colorsFor, type OutputFormat } from '../print/output';
import { configOf, printContext, registryFrom, withFormat, writeOut, type FormatFlags } from './shared';

interface AsyncApiFlags extends FormatFlags {
  out?: string;
  check?: boolean;
  service?: string;
  registry?: string;
  brokers?: string;
}

const FORMATS: OutputFormat[] = ['text', 'json'];

export function registerAsyncApiCommand(program: Command): void {
  const asyncapi = program
    .command('asyncapi')
    .description('write the contracts as an AsyncAPI 3.0 document (YAML, or JSON for a .json file) for event catalogs')
    .option(
      '--out <file>',
      `file to write, .yaml or .json; - for stdout, YAML or with --format json JSON (default ${DEFAULT_ASYNCAPI_FILE} beside the config)`,
    )
    .option('--check', 'exit 1 with a diff when the file is out of date (for CI)')
    .option('--service <name>', "only this service's operations (a document of its own, e.g. for EventCatalog)")
    .option('--registry <url>', 'read each schema ID and version from this registry (lookups only)')
    .option('--brokers <list>', 'the Kafka bootstrap servers the document names (default the local stack)');
  withFormat(asyncapi, FORMATS).action(async (flags: AsyncApiFlags, command: Command) => {
    const ctx = printContext(flags, FORMATS);
    const config = configOf(command);
    const { document, notes } = await buildAsyncApiDocument(config, {
      service: flags.service,
      registry: flags.registry === undefined ? undefined : registryFrom(flags.registry),
      brokers: flags.brokers,
    });
    const pc = colorsFor(process.stderr);
    const out = flags.out ?? resolve(config.rootDir, DEFAULT_ASYNCAPI_FILE);
    // a JSON report carries the notes; otherwise they go to stderr
    if (ctx.format === 'text' || out === '-')
      for (const note of notes) process.stderr.write(`${pc.yellow('note')} ${note}\n`);
    if (out === '-') {
      process.stdout.write(renderAsyncApi(document, ctx.format === 'json' ? 'json' : 'yaml'));
      return;
    }
    const text = renderAsyncApi(document, formatOf(out));
    const file = resolve(out);
    const shown = relative(process.cwd(), file) || file;
    if (!flags.check) {
      writeOut(file, text);
      process.stdout.write(renderAsyncApiWritten(shown, document, notes, ctx));
      return;
    }
    const result = compareAsyncApi(file, text, shown);
    process.stdout.write(renderAsyncApiCheck(shown, result, notes, ctx));
    if (result.stale) {
      process.stderr.write(`${pc.red('error')} ${shown} is out of date\n`);
      process.stderr.write(`  ${pc.dim('fix:')} run \`npx contracts asyncapi\` and commit the result\n`);
      throw new FindingsExit(`${shown} is out of date`);
    }
  });
}
