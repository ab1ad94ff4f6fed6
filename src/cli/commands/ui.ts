import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { colorsFor } from '../print/output';
import { loadConfig, type ContractsConfig } from '../../config';
import { UsageError } from '../../errors';
import { readStackEnvFile } from '../../stack/env-file';
import {
  createUiServer,
  DEFAULT_OIDC_SCOPES,
  DEFAULT_UI_HOST,
  DEFAULT_UI_PORT,
  hashPassword,
  OIDC_SECRET_ENV,
  type OidcOptions,
} from '../../ui';
import { integerFlag } from './shared';

// picocolors alone colours whenever CI is set; the kit colours terminals only
const pc = colorsFor(process.stderr);

interface UiFlags {
  port: string;
  host: string;
  registry?: string;
  brokers?: string;
  topic?: string;
  users?: string;
  insecureNoAuth?: boolean;
  auditLog?: string;
  secureCookie?: boolean;
  maskTags?: string;
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcRedirectUrl?: string;
  oidcScopes?: string;
  oidcRoleClaim?: string;
  oidcOperators?: string;
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** The OpenID Connect flags, the secret from the environment; both flags or neither. */
function oidcOptions(flags: UiFlags): OidcOptions | undefined {
  if (!flags.oidcIssuer && !flags.oidcClientId) return undefined;
  if (!flags.oidcIssuer || !flags.oidcClientId)
    throw new UsageError(
      `--oidc-issuer and --oidc-client-id go together (only ${flags.oidcIssuer ? '--oidc-issuer' : '--oidc-client-id'} was given)`,
      'give both: the provider and the client registered there',
    );
  return {
    issuer: flags.oidcIssuer,
    clientId: flags.oidcClientId,
    clientSecret: process.env[OIDC_SECRET_ENV] || undefined,
    redirectUrl: flags.oidcRedirectUrl,
    scopes: flags.oidcScopes,
    roleClaim: flags.oidcRoleClaim,
    operatorValues: list(flags.oidcOperators),
  };
}

/** `contracts ui`: the web page over the registry and the cluster, until Ctrl-C. */
export function registerUiCommand(program: Command): void {
  const ui = program
    .command('ui')
    .description(
      "serve a web page: topics, consumer groups and lag, dead letters, messages to find, subjects, diffs with the compatibility verdict, generated TypeScript, live decoded events; an operator's actions with a dry run",
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(DEFAULT_UI_PORT))
    .option(
      '--host <address>',
      'address to bind; anything but loopback needs --users or --oidc-issuer (sign-in), or --insecure-no-auth',
      DEFAULT_UI_HOST,
    )
    .option('--users <file>', 'sign-in: a JSON file of users, roles (viewer, operator) and password hashes')
    .option(
      '--oidc-issuer <url>',
      'sign-in at this OpenID Connect provider (client secret, if any, in ' + OIDC_SECRET_ENV + ')',
    )
    .option('--oidc-client-id <id>', 'the client registered at the OpenID Connect provider')
    .option(
      '--oidc-redirect-url <url>',
      "the redirect URL registered there (default: this page's address + /login/callback)",
    )
    .option('--oidc-scopes <scopes>', 'scopes to ask for, space-separated', DEFAULT_OIDC_SCOPES)
    .option('--oidc-role-claim <claim>', 'the claim whose values make an operator (default: groups, then roles)')
    .option(
      '--oidc-operators <values>',
      'values of the role claim that make an operator, comma-separated (others: viewer)',
    )
    .option('--insecure-no-auth', 'beyond loopback without sign-in: everyone may read, nobody may change anything')
    .option('--audit-log <file>', 'append each sign-in and action to this file as a JSON line (they are logged anyway)')
    .option('--secure-cookie', 'mark the session cookie Secure (the page is served over TLS, e.g. behind a proxy)')
    .option(
      '--mask-tags <tags>',
      'for viewers, mask the fields the schemas tag with these (confluent:tags), comma-separated',
      'PII',
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
      const oidc = oidcOptions(flags);
      const server = await createUiServer({
        port,
        host: flags.host,
        registry,
        brokers,
        config,
        topic: flags.topic,
        users: flags.users,
        insecureNoAuth: flags.insecureNoAuth,
        auditLog: flags.auditLog,
        secureCookie: flags.secureCookie,
        maskTags: list(flags.maskTags ?? 'PII'),
        oidc,
      });
      const who = flags.users
        ? 'sign-in with ' + flags.users
        : oidc
          ? 'sign-in at ' + oidc.issuer
          : flags.insecureNoAuth
            ? 'no sign-in, read-only'
            : 'local, no sign-in';
      process.stderr.write(`${pc.green('contracts ui')} on ${pc.bold(server.url)} (${who}; Ctrl-C to stop)\n`);
      if (flags.insecureNoAuth && !flags.users && !oidc) {
        process.stderr.write(
          `${pc.yellow('warning')} --insecure-no-auth: anyone who can reach ${flags.host} reads your schemas and events\n`,
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

  ui.command('hash-password')
    .description('read a password on stdin and print its hash for a --users file')
    .action(async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const password = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$/, '');
      if (password.length < 8)
        throw new UsageError(
          'the password has fewer than 8 characters',
          'pipe a longer one: `printf %s "…" | npx contracts ui hash-password`',
        );
      process.stdout.write(`${hashPassword(password)}\n`);
    });
}
