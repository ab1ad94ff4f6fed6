/** Printers for `contracts generate`: what it wrote, or (with --check) whether the files are up to date. */
import { relative } from 'node:path';
import type { GenerateResult } from '../../../codegen';
import type { StaleGeneratedCodeError } from '../../errors';
import type { PrintContext } from './check';
import { json } from './output';

export function renderGenerated(result: GenerateResult, check: boolean, ctx: PrintContext): string {
  const where = relative(ctx.cwd, result.outputDir) || '.';
  const topics = result.topics.map((t) => t.config.name);
  if (ctx.format === 'json') {
    return json({ outputDir: where, topics, files: result.files, ...(check ? { upToDate: true } : {}) });
  }
  return check
    ? `generated code in ${where} is up to date (${result.files.length} files)\n`
    : `generated ${result.files.length} files in ${where} for ${topics.join(', ')}\n`;
}

export function renderStaleCode(error: StaleGeneratedCodeError, ctx: PrintContext): string {
  if (ctx.format === 'json')
    return json({ upToDate: false, stale: error.files, summary: error.summary, diff: error.diff });
  return `${error.summary}\n\n${error.diff}\n`;
}
