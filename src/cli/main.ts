/**
 * The `contracts` command line. Each command is a thin shell over one library call; only this
 * entry point turns errors into exit codes (0 ok, 1 a finding such as an incompatible change or
 * stale generated code, 2 an error: bad input, unreachable server).
 */
import { Command, CommanderError } from 'commander';
import { colorsFor } from './print/output';
import { ContractsError, isContractsError } from '../errors';
import { registerCommands } from './commands';

// picocolors alone colours whenever CI is set; the kit colours terminals only
const pc = colorsFor(process.stderr);

export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_ERROR = 2;

/** Thrown by a command to end with exit code 1 after it has printed its findings. */
export class FindingsExit extends Error {
  constructor(readonly summary: string) {
    super(summary);
  }
}

/** Exit 2 after every verdict is printed: the registry failed on these subjects. */
export function noVerdict(subjects: string[]): ContractsError {
  return new ContractsError('REGISTRY_HTTP', `the registry gave no verdict for ${subjects.join(', ')} (the other subjects' verdicts are above)`, {
    hint: 'see the registry\'s answer printed for each; fix it or the schema and run the command again',
  });
}

export function buildProgram(): Command {
  const program = new Command('contracts')
    .description('Schema-first event contracts for Kafka and a Confluent-compatible Schema Registry')
    .option('-c, --config <file>', 'config file', 'contracts.config.json')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof FindingsExit) return EXIT_FINDING;
  if (error instanceof CommanderError) {
    // help and version end with code 0; usage errors have been printed by commander already
    return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
  }
  if (isContractsError(error)) {
    process.stderr.write(`${pc.red('error')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`  ${pc.dim('fix:')} ${error.hint}\n`);
    return error.code === 'CODEGEN_STALE' || error.code === 'INCOMPATIBLE' ? EXIT_FINDING : EXIT_ERROR;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(
    `${pc.red('internal error')} ${err.message}\n` +
      'This is a bug in the kit. Please file an issue with this report:\n' +
      `  node ${process.version}, ${process.platform}/${process.arch}\n` +
      `  command: contracts ${process.argv.slice(2).join(' ')}\n` +
      `${err.stack ?? ''}\n`,
  );
  return EXIT_ERROR;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(EXIT_ERROR);
    },
  );
}
