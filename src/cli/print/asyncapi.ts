/** Printers for `contracts asyncapi`: what it wrote, or (with --check) whether the file is up to date. */
import type { AsyncApiDocument, AsyncApiStaleness } from '../../asyncapi';
import type { PrintContext } from './check';
import { json } from './output';

export function renderAsyncApiWritten(
  file: string,
  document: AsyncApiDocument,
  notes: readonly string[],
  ctx: PrintContext,
): string {
  const channels = Object.keys(document.channels as object).length;
  const operations = Object.keys(document.operations as object).length;
  if (ctx.format === 'json') return json({ file, asyncapi: document.asyncapi, channels, operations, notes });
  return `wrote ${file}: AsyncAPI ${document.asyncapi}, ${channels} channel(s), ${operations} operation(s)\n`;
}

export function renderAsyncApiCheck(
  file: string,
  result: AsyncApiStaleness,
  notes: readonly string[],
  ctx: PrintContext,
): string {
  if (ctx.format === 'json') return json({ file, upToDate: !result.stale, ...result, notes });
  return result.stale
    ? `${file} is out of date:\n${result.summary.join('\n')}\n\n${result.diff}\n`
    : `${file} is up to date\n`;
}
