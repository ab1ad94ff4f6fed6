/** Printers for `contracts ls` and `contracts diff`. */
import type { LockFile, LockSubject, SubjectDiff } from '../../registration';
import type { PrintContext } from './check';
import { displayPath } from './check';
import { annotation } from './github';
import { createLineFinder } from './locate';
import { fragment, json } from './output';

export function renderLs(lock: LockFile, ctx: PrintContext): string {
  if (ctx.format === 'json') {
    return json({
      registry: lock.registry,
      globalCompatibility: lock.globalCompatibility,
      subjects: Object.entries(lock.subjects).map(([subject, s]) => ({
        subject,
        schemaType: s.schemaType,
        compatibility: s.compatibility,
        // the level the registry applies, and whose it is
        effectiveCompatibility: s.compatibility ?? lock.globalCompatibility,
        compatibilitySource: s.compatibility ? 'subject' : 'global',
        versions: s.versions.map((v) => ({ version: v.version, id: v.id })),
      })),
    });
  }
  const c = ctx.colors;
  const rows = Object.entries(lock.subjects).map(([subject, s]: [string, LockSubject]) => [
    subject,
    s.schemaType,
    s.versions.map((v) => `v${v.version}:${v.id}`).join(' '),
    s.compatibility ? `${s.compatibility} (subject's own)` : `${lock.globalCompatibility ?? '?'} (global)`,
  ]);
  const header = ['SUBJECT', 'TYPE', 'VERSIONS (version:id)', 'LEVEL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ');
  const lines = [c.bold(fmt(header)), ...rows.map(fmt)];
  lines.push(
    c.dim(`${rows.length} subject(s) at ${lock.registry}; global level ${lock.globalCompatibility ?? 'unknown'}`),
  );
  return `${lines.join('\n')}\n`;
}

export function renderDiff(diff: SubjectDiff, ctx: PrintContext): string {
  if (ctx.format === 'json') return json(diff);
  const levelFrom =
    diff.levelSource === 'subject'
      ? "the subject's level"
      : diff.levelSource === 'config'
        ? "the config's level"
        : 'the global level';
  if (ctx.format === 'github') {
    const line = createLineFinder();
    const out: string[] = [];
    for (const ch of diff.changes) {
      for (const f of ch.breaks) {
        const file = diff.path ? displayPath(diff.path, ctx.cwd) : undefined;
        const lineNo = diff.path ? line(diff.path, f.path, f.pathIn === 'previous') : undefined;
        out.push(
          annotation(
            'error',
            { file, line: lineNo, title: `${f.ruleId} (${diff.subject})` },
            `${ch.description} ${f.message}`,
          ),
        );
      }
    }
    return (
      out.join('') +
      `${diff.subject} ${diff.fromLabel} → ${diff.toLabel}: ${diff.changes.length} change(s), ${diff.compatible ? 'compatible' : 'incompatible'} at ${diff.level}\n`
    );
  }
  const c = ctx.colors;
  const lines = [
    c.bold(`${diff.subject} ${diff.fromLabel} → ${diff.toLabel}`) +
      ` at ${diff.level} (${levelFrom}): ${diff.compatible ? c.green('compatible') : c.red(c.bold('incompatible'))}`,
  ];
  if (diff.changes.length === 0) lines.push(c.dim('  no changes'));
  for (const ch of diff.changes) {
    const mark = ch.breaks.length > 0 ? c.red('✗') : c.green('·');
    lines.push(`${mark} ${c.bold(ch.kind)} ${c.cyan(ch.path || '/')} ${ch.description}`);
    if (ch.before !== undefined || ch.after !== undefined)
      lines.push(`    ${c.red('-')} ${fragment(ch.before)}\n    ${c.green('+')} ${fragment(ch.after)}`);
    const rules = [...new Set(ch.breaks.map((f) => `${f.ruleId} (${f.direction})`))];
    lines.push(
      rules.length > 0
        ? `    ${c.red(`breaks ${rules.join(', ')}`)}: ${ch.breaks[0]!.message}`
        : `    ${c.dim(`breaks nothing at ${diff.level}`)}`,
    );
  }
  for (const f of diff.otherBreaks)
    lines.push(`${c.red('✗')} ${c.bold(f.ruleId)} ${c.cyan(f.path || '/')} ${f.message}`);
  return `${lines.join('\n')}\n`;
}

/** What `contracts pull` wrote. */
export function renderPulled(lock: LockFile, file: string, ctx: PrintContext): string {
  const subjects = Object.keys(lock.subjects).length;
  const versions = Object.values(lock.subjects).reduce((n, s) => n + s.versions.length, 0);
  if (ctx.format === 'json') return json({ file, registry: lock.registry, subjects, versions });
  return `wrote ${subjects} subject(s), ${versions} version(s) from ${lock.registry} to ${file}\n`;
}
