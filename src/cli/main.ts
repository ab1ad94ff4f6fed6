/**
 * The `contracts` command line. Each command is a thin shell over one library call; only this
 * entry point turns errors into exit codes (0 ok, 1 a finding such as an incompatible change or
 * stale generated code, 2 an error: bad input, unreachable server).
 */
import { Command, CommanderError } from 'commander';
import { colorsFor } from './print/output';
import { isContractsError } from '../errors';
import { registerCommands } from './commands';
import { EXIT_ERROR, EXIT_FINDING, EXIT_OK, FindingsExit } from './exit';

export { EXIT_ERROR, EXIT_FINDING, EXIT_OK, FindingsExit };
import { packageInfo } from '../package-info';
import { configureLogging, LOG_ENV, parseLogFormat, parseLogLevel } from '../log';
import { dropKafkajsTimerWarning } from './warnings';

// picocolors alone colours whenever CI is set; the kit colours terminals only
const pc = colorsFor(process.stderr);

export function buildProgram(): Command {
  const program = new Command('contracts')
    .description('Schema-first event contracts for Kafka and a Confluent-compatible Schema Registry')
    .version(packageInfo().version, '-V, --version', 'print the version of the kit')
    .option('-c, --config <file>', 'config file', 'contracts.config.json')
    .option(
      '--log-level <level>',
      `how much the kit and kafkajs log on stderr: silent, error, warn, info, debug (env ${LOG_ENV.LEVEL}; default warn)`,
    )
    .option('--log-format <format>', `text or json (env ${LOG_ENV.FORMAT}; default text)`)
    .hook('preAction', (command) => {
      const { logLevel, logFormat } = command.opts<{ logLevel?: string; logFormat?: string }>();
      if (logLevel) configureLogging({ level: parseLogLevel(logLevel, '--log-level') });
      if (logFormat) configureLogging({ format: parseLogFormat(logFormat, '--log-format') });
    })
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  dropKafkajsTimerWarning();
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
