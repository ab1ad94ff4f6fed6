import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { colorsFor } from '../print/output';
import { loadConfig, type ContractsConfig } from '../../config';
import { UsageError } from '../../errors';
import { readStackEnvFile } from '../../stack/env-file';
import { createUiServer, DEFAULT_UI_HOST, DEFAULT_UI_PORT } from '../../ui';
import { integerFlag } from './shared';

// picocolors alone colours whenever CI is set; the kit colours terminals only
const pc = colorsFor(process.stderr);

interface UiFlags {
  port: string;
  host: string;
  registry?: string;
  brokers?: string;
  topic?: string;
}

/** `contracts ui`: the read-only web page over the registry and the cluster, until Ctrl-C. */
export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description(
      'serve a read-only web page: topics, consumer groups and lag, dead letters, messages to find, subjects, diffs with the compatibility verdict, generated TypeScript, live decoded events',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(DEFAULT_UI_PORT))
    .option(
      '--host <address>',
      'address to bind; anything but 127.0.0.1 exposes the page, which has no login',
      DEFAULT_UI_HOST,
    )
    .option('--registry <url>', "schema registry URL (default SCHEMA_REGISTRY_URL, else the local stack's .stack/env)")
    .option(
      '--brokers <list>',
      "Kafka brokers, comma-separated (default KAFKA_BROKERS, else the local stack's .stack/env)",
    )
    .option('--topic <name>', "topic of the live tail (default: the config's first topic)")
    .action(async (flags: UiFlags, command: Command) => {
      const port = integerFlag(flags.port, '--port', 0, { max: 65535 })!;
      const configFile = resolve(command.optsWithGlobals().config as string);
      // without a config file the page still works, only without the "local file" side of diffs
      const config: ContractsConfig | undefined = existsSync(configFile) ? loadConfig(configFile) : undefined;
      const stackEnv = readStackEnvFile(join(config?.rootDir ?? dirname(configFile), '.stack', 'env'));
      const registry = flags.registry ?? process.env.SCHEMA_REGISTRY_URL ?? stackEnv?.SCHEMA_REGISTRY_URL;
      if (!registry) {
        throw new UsageError(
          'no schema registry to show',
          'pass --registry <url>, set SCHEMA_REGISTRY_URL, or start the local stack with `contracts stack up`',
        );
      }
      const brokers = flags.brokers ?? process.env.KAFKA_BROKERS ?? stackEnv?.KAFKA_BROKERS;
      const server = await createUiServer({ port, host: flags.host, registry, brokers, config, topic: flags.topic });
      process.stderr.write(`${pc.green('contracts ui')} on ${pc.bold(server.url)} (read-only; Ctrl-C to stop)\n`);
      if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host)) {
        process.stderr.write(
          `${pc.yellow('warning')} bound to ${flags.host}: anyone who can reach it sees your schemas and events; use --host 127.0.0.1 to keep it local\n`,
        );
      }
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
