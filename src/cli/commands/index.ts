import type { Command } from 'commander';
import { registerApplyCommand } from './apply';
import { registerAsyncApiCommand } from './asyncapi';
import { registerCheckCommand } from './check';
import { registerDiffCommand } from './diff';
import { registerDlqCommand } from './dlq';
import { registerGenerateCommand } from './generate';
import { registerLsCommand } from './ls';
import { registerPullCommand } from './pull';
import { registerRegisterCommand } from './register';
import { registerStackCommand } from './stack';
import { registerTailCommand } from './tail';
import { registerUiCommand } from './ui';

/** Every command of the CLI, in the order `contracts --help` lists them. */
export function registerCommands(program: Command): void {
  registerGenerateCommand(program);
  registerApplyCommand(program);
  registerRegisterCommand(program);
  registerCheckCommand(program);
  registerPullCommand(program);
  registerDiffCommand(program);
  registerLsCommand(program);
  registerStackCommand(program);
  registerTailCommand(program);
  registerDlqCommand(program);
  registerUiCommand(program);
  registerAsyncApiCommand(program);
}
