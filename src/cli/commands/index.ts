import type { Command } from 'commander';
import { registerGenerateCommand } from './generate';
import { registerStackCommand } from './stack';

/** Every command of the CLI, in the order `contracts --help` lists them. */
export function registerCommands(program: Command): void {
  registerGenerateCommand(program);
  registerStackCommand(program);
}
