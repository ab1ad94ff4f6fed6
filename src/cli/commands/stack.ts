import type { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { colorsFor } from '../print/output';
import { UsageError } from '../../errors';
import { createLocalStack, formatStackEnv, type LocalStackOptions, type StackProcessStatus } from '../../stack';
import { FindingsExit } from '../exit';

// picocolors alone colours whenever CI is set; the kit colours terminals only
const pc = colorsFor(process.stderr);

interface UpOptions {
  brokers?: string;
  kafkaPort?: string;
  registryPort?: string;
  timeout?: string;
}

/** `contracts stack up|down|status`: a local Kafka (KRaft) and Schema Registry without Docker. */
export function registerStackCommand(program: Command): void {
  const stack = program
    .command('stack')
    .description('run a local Kafka (KRaft) and Confluent-compatible Schema Registry on 127.0.0.1, without Docker');

  stack
    .command('up')
    .description(
      'start the stack (or reuse the running one); prints KAFKA_BROKERS and SCHEMA_REGISTRY_URL and writes them to .stack/env',
    )
    .option('--brokers <count>', 'number of Kafka nodes (1, or 3 for replication and fail-over)')
    .option('--kafka-port <port>', 'first broker port (default 9092); controllers use the ports after the brokers')
    .option('--registry-port <port>', 'registry port (default 8081)')
    .option('--timeout <seconds>', 'how long to wait for the servers', '90')
    .action(async (options: UpOptions, command: Command) => {
      const local = createLocalStack({
        ...baseOptions(command),
        brokers: optionalInteger(options.brokers, '--brokers', 1, 9),
        kafkaPort: optionalInteger(options.kafkaPort, '--kafka-port', 1, 65535),
        registryPort: optionalInteger(options.registryPort, '--registry-port', 1, 65535),
        startTimeoutMs: (optionalInteger(options.timeout, '--timeout', 1, 3600) ?? 90) * 1000,
      });
      const result = await local.up();
      const seconds = (result.durationMs / 1000).toFixed(1);
      process.stderr.write(
        result.reused
          ? `${pc.green('stack already running')} (checked in ${seconds} s)\n`
          : `${pc.green('stack up')} in ${seconds} s${result.downloaded ? ' (first start: jars downloaded)' : ''}; env written to ${result.envFile}\n`,
      );
      // Only the env lines go to stdout, so `eval "$(contracts stack up)"` works.
      process.stdout.write(formatStackEnv(result.env));
    });

  stack
    .command('down')
    .description('stop the processes the stack started')
    .option('--purge', 'also delete the stack data and logs (.stack/); cached jars stay')
    .action(async (options: { purge?: boolean }, command: Command) => {
      const stopped = await createLocalStack(baseOptions(command)).down({ purge: options.purge });
      process.stdout.write(stopped.length > 0 ? `stopped ${stopped.join(', ')}\n` : 'nothing was running\n');
      if (options.purge) process.stdout.write('deleted .stack/\n');
    });

  stack
    .command('status')
    .description('show what runs and whether it serves; exits 1 when the stack is not fully up')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const status = await createLocalStack(baseOptions(command)).status();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      } else {
        const line = (p: StackProcessStatus) =>
          `  ${p.name.padEnd(10)} 127.0.0.1:${String(p.port).padEnd(6)} ${
            p.serving ? pc.green('serving') : p.running ? pc.yellow('starting/unhealthy') : pc.dim('stopped')
          }${p.pid ? `  pid ${p.pid}` : ''}${p.rssBytes ? `  ${mib(p.rssBytes)}` : ''}`;
        process.stdout.write(
          `stack ${status.state} (Kafka ${status.kafkaVersion}, Apicurio Registry ${status.registryVersion})\n` +
            [...status.brokers, status.registry].map(line).join('\n') +
            `\n  total RSS ${mib(status.totalRssBytes)}\n` +
            (status.env ? formatStackEnv(status.env) : ''),
        );
      }
      if (status.state !== 'running') throw new FindingsExit(`stack ${status.state}`);
    });
}

function baseOptions(command: Command): LocalStackOptions {
  const configFile = resolve(String(command.optsWithGlobals().config ?? 'contracts.config.json'));
  return { rootDir: dirname(configFile), log: (line) => process.stderr.write(`${pc.dim('stack:')} ${line}\n`) };
}

function optionalInteger(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}
