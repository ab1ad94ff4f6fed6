/** Printers for `contracts stack up|down|status`. */
import { formatStackEnv, type StackProcessStatus, type StackStatus, type StackUpResult } from '../../stack';
import type { PrintContext } from './check';
import { json } from './output';

/** Text: only the env lines, so that `eval "$(contracts stack up)"` works. */
export function renderStackUp(result: StackUpResult, ctx: PrintContext): string {
  return ctx.format === 'json' ? json(result) : formatStackEnv(result.env);
}

export function renderStackDown(stopped: string[], purged: boolean, ctx: PrintContext): string {
  if (ctx.format === 'json') return json({ stopped, purged });
  return (
    (stopped.length > 0 ? `stopped ${stopped.join(', ')}\n` : 'nothing was running\n') +
    (purged ? 'deleted .stack/\n' : '')
  );
}

export function renderStackStatus(status: StackStatus, ctx: PrintContext): string {
  if (ctx.format === 'json') return json(status);
  const c = ctx.colors;
  const line = (p: StackProcessStatus) =>
    `  ${p.name.padEnd(10)} 127.0.0.1:${String(p.port).padEnd(6)} ${
      p.serving ? c.green('serving') : p.running ? c.yellow('starting/unhealthy') : c.dim('stopped')
    }${p.pid ? `  pid ${p.pid}` : ''}${p.rssBytes ? `  ${mib(p.rssBytes)}` : ''}`;
  return (
    `stack ${status.state} (Kafka ${status.kafkaVersion}, Apicurio Registry ${status.registryVersion})\n` +
    [...status.brokers, status.registry].map(line).join('\n') +
    `\n  total RSS ${mib(status.totalRssBytes)}\n` +
    (status.env ? formatStackEnv(status.env) : '')
  );
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}
