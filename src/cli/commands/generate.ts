import type { Command } from 'commander';
import { generate } from '../../../codegen';
import { StaleGeneratedCodeError } from '../../errors';
import { renderGenerated, renderStaleCode } from '../print/generate';
import type { OutputFormat } from '../print/output';
import { configOf, printContext, withFormat, type FormatFlags } from './shared';

const FORMATS: OutputFormat[] = ['text', 'json'];

export function registerGenerateCommand(program: Command): void {
  const command = program
    .command('generate')
    .description('generate TypeScript types, event maps, subjects and validators from the schemas')
    .option('--check', 'exit 1 with a diff when the generated files are out of date (for CI)');
  withFormat(command, FORMATS).action(async (flags: FormatFlags & { check?: boolean }, command: Command) => {
    const ctx = printContext(flags, FORMATS);
    const check = Boolean(flags.check);
    try {
      process.stdout.write(renderGenerated(await generate(configOf(command), { check }), check, ctx));
    } catch (error) {
      if (error instanceof StaleGeneratedCodeError) process.stdout.write(renderStaleCode(error, ctx));
      throw error;
    }
  });
}
