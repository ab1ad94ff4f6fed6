import type { Command } from 'commander';
import { relative } from 'node:path';
import { generate } from '../../../codegen';
import { loadConfig } from '../../config';
import { StaleGeneratedCodeError } from '../../errors';

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('generate TypeScript types, event maps, subjects and validators from the schemas')
    .option('--check', 'exit 1 with a diff when the generated files are out of date (for CI)')
    .action(async (options: { check?: boolean }, command: Command) => {
      const config = loadConfig(command.optsWithGlobals().config as string);
      try {
        const result = await generate(config, { check: options.check });
        const where = relative(process.cwd(), result.outputDir) || '.';
        process.stdout.write(
          options.check
            ? `generated code in ${where} is up to date (${result.files.length} files)\n`
            : `generated ${result.files.length} files in ${where} for ${result.topics.map((t) => t.config.name).join(', ')}\n`,
        );
      } catch (error) {
        if (error instanceof StaleGeneratedCodeError) process.stdout.write(`${error.summary}\n\n${error.diff}\n`);
        throw error;
      }
    });
}
