/** Printers for a CheckReport (`contracts check --registry | --against`). */
import { relative, sep } from 'node:path';
import type { Finding } from '../../compat';
import type { CheckReport, SubjectCheck } from '../../registration';
import { annotation } from './github';
import { createLineFinder } from './locate';
import { type Colors, fragment, json, type OutputFormat } from './output';

export interface PrintContext {
  format: OutputFormat;
  colors: Colors;
  /** Paths in annotations and text are shown relative to this folder. */
  cwd: string;
}

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return (rel.startsWith('..') ? path : rel).split(sep).join('/');
}

function baselineName(report: CheckReport): string {
  return report.kind === 'registry' ? `the registry at ${report.baseline}` : report.baseline;
}

function versionsText(versions: readonly number[]): string {
  if (versions.length === 0) return '';
  return versions.length === 1
    ? `v${versions[0]}`
    : `v${versions[0]}…v${versions[versions.length - 1]} (${versions.length} versions)`;
}

export function renderCheckReport(report: CheckReport, ctx: PrintContext): string {
  if (ctx.format === 'json') return json(report);
  if (ctx.format === 'github') return renderGithub(report, ctx);
  return renderText(report, ctx);
}

function renderText(report: CheckReport, ctx: PrintContext): string {
  const c = ctx.colors;
  const line = createLineFinder();
  const out: string[] = [];
  for (const s of report.subjects) {
    const file = displayPath(s.path, ctx.cwd);
    if (s.status === 'unchanged') {
      out.push(`${c.green('✓')} ${s.subject} ${c.dim(`unchanged (${file})`)}`);
      continue;
    }
    if (s.status === 'new-subject') {
      out.push(`${c.green('✓')} ${s.subject} ${c.dim(`new subject (${file})`)}`);
      continue;
    }
    if (s.error) {
      out.push(`${c.red('!')} ${s.subject} ${c.dim(file)} ${c.red('no verdict')}: ${s.error.message}`);
      if (s.error.hint) out.push(`    ${c.dim(`fix: ${s.error.hint}`)}`);
      continue;
    }
    const against = versionsText(s.against);
    const by = s.source === 'offline' ? c.dim(" (kit's checker)") : '';
    const head = `${s.subject} ${c.dim(file)} ${s.level}${against ? ` vs ${against}` : ''}`;
    out.push(
      s.compatible
        ? `${c.green('✓')} ${head} ${c.green('compatible')}${by}`
        : `${c.red('✗')} ${head} ${c.red(c.bold('incompatible'))}${by}`,
    );
    if (s.note) out.push(`    ${c.dim(`note: ${s.note}`)}`);
    for (const m of s.messages) out.push(`    ${c.yellow('registry:')} ${m}`);
    for (const f of s.findings) out.push(...findingLines(f, s, c, line(s.path, f.path, f.pathIn === 'previous'), file));
  }
  const changed = report.subjects.filter((s) => s.status === 'new-version').length;
  const bad = report.subjects.filter((s) => !s.compatible).length;
  const failed = report.subjects.filter((s) => s.error).length;
  const summary = `checked ${report.subjects.length} subject(s) against ${baselineName(report)}: ${changed} changed, ${bad} incompatible${failed > 0 ? `, ${failed} without a verdict` : ''}`;
  out.push(bad > 0 || failed > 0 ? c.red(summary) : c.green(summary));
  return `${out.join('\n')}\n`;
}

function findingLines(f: Finding, s: SubjectCheck, c: Colors, lineNo: number, file: string): string[] {
  return [
    `    ${c.bold(f.ruleId)} ${c.cyan(f.path || '/')} ${c.dim(`${file}:${lineNo} (${f.direction} vs v${f.previousVersion})`)}`,
    `      ${c.red('-')} ${fragment(f.before)}`,
    `      ${c.green('+')} ${fragment(f.after)}`,
    `      ${f.message}`,
  ];
}

function renderGithub(report: CheckReport, ctx: PrintContext): string {
  const line = createLineFinder();
  const out: string[] = [];
  for (const s of report.subjects) {
    if (s.error) {
      out.push(
        annotation(
          'error',
          { file: displayPath(s.path, ctx.cwd), line: 1, title: `NO VERDICT (${s.subject})` },
          s.error.message,
        ),
      );
      continue;
    }
    if (s.compatible) continue;
    const file = displayPath(s.path, ctx.cwd);
    for (const f of s.findings) {
      out.push(
        annotation(
          'error',
          { file, line: line(s.path, f.path, f.pathIn === 'previous'), title: `${f.ruleId} (${s.subject})` },
          `${f.message} [${f.path || '/'}: ${fragment(f.before, 80)} → ${fragment(f.after, 80)}; ${s.level}]`,
        ),
      );
    }
    const reasons =
      s.messages.length > 0
        ? s.messages
        : s.findings.length === 0
          ? ['the registry called the change incompatible (it gave no reasons)']
          : [];
    for (const m of reasons) {
      out.push(
        annotation(
          'error',
          { file, line: 1, title: `INCOMPATIBLE (${s.subject})` },
          `${m} [${s.level}, ${baselineName(report)}]`,
        ),
      );
    }
  }
  const bad = report.subjects.filter((s) => !s.compatible).length;
  out.push(`checked ${report.subjects.length} subject(s) against ${baselineName(report)}: ${bad} incompatible\n`);
  return out.join('');
}
