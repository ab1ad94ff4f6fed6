import type { Command } from 'commander';
import { pullRegistry } from '../../registration';
import type { OutputFormat } from '../print/output';
import { renderLs } from '../print/registry';
import { printContext, registryFrom, withFormat, type FormatFlags } from './shared';

interface LsFlags extends FormatFlags {
  prefix?: string;
  registry?: string;
}

const FORMATS: OutputFormat[] = ['text', 'json'];

export function registerLsCommand(program: Command): void {
  const ls = program
    .command('ls')
    .description("list the registry's subjects with their versions, schema IDs and compatibility levels")
    .option('--prefix <text>', 'only subjects whose name starts with this')
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)');
  withFormat(ls, FORMATS).action(async (flags: LsFlags) => {
    const ctx = printContext(flags, FORMATS);
    const lock = await pullRegistry({ registry: registryFrom(flags.registry), prefix: flags.prefix });
    if (flags.prefix !== undefined) {
      // referenced subjects outside the prefix are pulled to resolve references; ls shows the prefix only
      for (const subject of Object.keys(lock.subjects))
        if (!subject.startsWith(flags.prefix)) delete lock.subjects[subject];
    }
    process.stdout.write(renderLs(lock, ctx));
  });
}
