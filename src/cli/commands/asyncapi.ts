import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_ASYNCAPI_FILE,
  buildAsyncApiDocument,
  compareAsyncApi,
  formatOf,
  renderAsyncApi,
} from '../../asyncapi';
import { loadConfig } from '../../config';
import { ContractsError } from '../../errors';
import { FindingsExit } from '../exit';
import { colorsFor } from '../print/output';
import { registryFrom } from './register';

interface AsyncApiFlags {
  out?: string;
  check?: boolean;
  service?: string;
  registry?: string;
  brokers?: string;
}

export function registerAsyncApiCommand(program: Command): void {
  program
    .command('asyncapi')
    .description('write the contracts as an AsyncAPI 3.0 document (YAML, or JSON for a .json file) for event catalogs')
    .option(
      '--out <file>',
      `file to write, .yaml or .json; - for stdout (default ${DEFAULT_ASYNCAPI_FILE} beside the config)`,
    )
    .option('--check', 'exit 1 with a diff when the file is out of date (for CI)')
    .option('--service <name>', "only this service's operations (a document of its own, e.g. for EventCatalog)")
    .option('--registry <url>', 'read each schema ID and version from this registry (lookups only)')
    .option('--brokers <list>', 'the Kafka bootstrap servers the document names (default the local stack)')
    .action(async (flags: AsyncApiFlags, command: Command) => {
      const config = loadConfig(command.optsWithGlobals().config as string);
      const { document, notes } = await buildAsyncApiDocument(config, {
        service: flags.service,
        registry: flags.registry === undefined ? undefined : registryFrom(flags.registry),
        brokers: flags.brokers,
      });
      const pc = colorsFor(process.stderr);
      for (const note of notes) process.stderr.write(`${pc.yellow('note')} ${note}\n`);
      const out = flags.out ?? resolve(config.rootDir, DEFAULT_ASYNCAPI_FILE);
      const text = renderAsyncApi(document, formatOf(out === '-' ? '.yaml' : out));
      if (out === '-') {
        process.stdout.write(text);
        return;
      }
      const file = resolve(out);
      const shown = relative(process.cwd(), file) || file;
      if (flags.check) {
        const result = compareAsyncApi(file, text, shown);
        if (!result.stale) {
          process.stdout.write(`${shown} is up to date\n`);
          return;
        }
        process.stdout.write(`${shown} is out of date:\n${result.summary.join('\n')}\n\n${result.diff}\n`);
        process.stderr.write(`${pc.red('error')} ${shown} is out of date\n`);
        process.stderr.write(`  ${pc.dim('fix:')} run \`npx contracts asyncapi\` and commit the result\n`);
        throw new FindingsExit(`${shown} is out of date`);
      }
      try {
        writeFileSync(file, text);
      } catch (cause) {
        throw new ContractsError('USAGE', `cannot write ${file}: ${(cause as NodeJS.ErrnoException).code ?? cause}`, {
          cause,
          hint: 'pass a writable path with --out',
        });
      }
      const channels = Object.keys(document.channels as object).length;
      const operations = Object.keys(document.operations as object).length;
      process.stdout.write(
        `wrote ${shown}: AsyncAPI ${document.asyncapi}, ${channels} channel(s), ${operations} operation(s)\n`,
      );
    });
}
