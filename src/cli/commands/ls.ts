import type { Command } from 'commander';
import { pullRegistry } from '../../registration';
import { colorsFor, parseFormat } from '../print/output';
import { renderLs } from '../print/registry';
import { registryFrom } from './register';

interface LsFlags {
  prefix?: string;
  registry?: string;
  format?: string;
}

export function registerLsCommand(program: Command): void {
  program
    .command('ls')
    .description("list the registry's subjects with their versions, schema IDs and compatibility levels")
    .option('--prefix <text>', 'only subjects whose name starts with this')
    .option('--registry <url>', 'schema registry URL (default SCHEMA_REGISTRY_URL)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: LsFlags) => {
      const format = parseFormat(flags.format);
      const lock = await pullRegistry({ registry: registryFrom(flags.registry), prefix: flags.prefix });
      if (flags.prefix !== undefined) {
        // referenced subjects outside the prefix are pulled to resolve references; ls shows the prefix only
        for (const subject of Object.keys(lock.subjects))
          if (!subject.startsWith(flags.prefix)) delete lock.subjects[subject];
      }
      process.stdout.write(renderLs(lock, { format, colors: colorsFor(process.stdout), cwd: process.cwd() }));
    });
}
