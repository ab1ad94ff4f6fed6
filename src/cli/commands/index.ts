import type { Command } from 'commander';
import { registerDlqCommand } from './dlq';
import { registerGenerateCommand } from './generate';
import { registerStackCommand } from './stack';
import { registerTailCommand } from './tail';

/** Every command of the CLI, in the order `contracts --help` lists them. */
export function registerCommands(program: Command): void {
  registerGenerateCommand(program);
  registerStackCommand(program);
  registerTailCommand(program);
  registerDlqCommand(program);
}
