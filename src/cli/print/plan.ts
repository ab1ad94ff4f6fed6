/** Printers for `contracts register` and `contracts apply` (the plan of --dry-run, and what was done). */
import type { ApplyResult, PlannedSubject, RegistrationPlan, RegistrationResult } from '../../registration';
import type { PrintContext } from './check';
import { displayPath } from './check';
import { annotation } from './github';
import { json } from './output';
import { renderTopicPlan } from './topics';

function levelText(s: PlannedSubject): string {
  return s.registryLevel === s.level ? s.level : `${s.registryLevel ?? '(global)'} → ${s.level}`;
}

/** `run` is the command that carries the plan out, named in the summary (false: say nothing). */
export function renderPlan(
  plan: RegistrationPlan,
  ctx: PrintContext,
  run: string | false = 'contracts register',
): string {
  if (ctx.format === 'json') return json(plan);
  const c = ctx.colors;
  if (ctx.format === 'github') {
    const out = plan.subjects
      .filter((s) => s.error || (s.verdict && !s.verdict.compatible))
      .map((s) =>
        s.error
          ? annotation(
              'error',
              { file: displayPath(s.path, ctx.cwd), line: 1, title: `NO VERDICT (${s.subject})` },
              s.error.message,
            )
          : annotation(
              'error',
              { file: displayPath(s.path, ctx.cwd), line: 1, title: `INCOMPATIBLE (${s.subject})` },
              `registering ${s.subject} would be refused at ${s.verdict!.level}${s.verdict!.messages.length ? `: ${s.verdict!.messages.join('; ')}` : ''}`,
            ),
      );
    return out.join('') + summary(plan, false);
  }
  const width = Math.max(...plan.subjects.map((s) => s.subject.length), 7);
  const lines = [
    c.bold(`${run === false ? 'subjects' : 'register'} plan against ${plan.registryUrl} (dry run: nothing is written)`),
  ];
  for (const s of plan.subjects) {
    const name = s.subject.padEnd(width);
    let what: string;
    if (s.status === 'unchanged') {
      what = `${c.dim('=')} ${name}  ${c.dim(`unchanged: v${s.current!.version}, id ${s.current!.id}`)}`;
    } else if (s.status === 'new-subject') {
      what = `${c.green('+')} ${name}  ${c.green('new subject')}`;
    } else if (s.error) {
      what = `${c.red('!')} ${name}  ${c.red('no verdict')}: ${s.error.message}`;
    } else {
      const by = s.verdict?.source === 'offline' ? " (kit's checker)" : '';
      const verdict = !s.verdict
        ? c.yellow('verdict not asked')
        : s.verdict.compatible
          ? c.green(
              `compatible at ${s.verdict.level} (${s.verdict.against === 'all' ? 'all versions' : `v${s.latestVersion}`})${by}`,
            )
          : c.red(
              c.bold(
                `INCOMPATIBLE at ${s.verdict.level} (${s.verdict.against === 'all' ? 'all versions' : `v${s.latestVersion}`})${by}`,
              ),
            );
      what = `${c.yellow('~')} ${name}  new version after v${s.latestVersion}: ${verdict}`;
    }
    lines.push(`${what}  ${c.dim(`level ${levelText(s)}  ${displayPath(s.path, ctx.cwd)}`)}`);
    for (const m of s.verdict?.messages ?? []) lines.push(`      ${c.yellow('registry:')} ${m}`);
    if (s.note) lines.push(`      ${c.dim(`note: ${s.note}`)}`);
    if (s.error?.hint) lines.push(`      ${c.dim(`fix: ${s.error.hint}`)}`);
  }
  lines.push(summary(plan, run).trimEnd());
  return `${lines.join('\n')}\n`;
}

function summary(plan: RegistrationPlan, run: string | false): string {
  const count = (status: string) => plan.subjects.filter((s) => s.status === status).length;
  const bad = plan.subjects.filter((s) => s.verdict && !s.verdict.compatible).length;
  return (
    `${count('unchanged')} unchanged, ${count('new-version')} new version(s), ${count('new-subject')} new subject(s)` +
    `${bad > 0 ? `, ${bad} incompatible` : ''}${plan.failed > 0 ? `, ${plan.failed} without a verdict` : ''}${run && bad === 0 && count('unchanged') < plan.subjects.length ? `; run \`${run}\` to apply` : ''}\n`
  );
}

export function renderRegistration(result: RegistrationResult, ctx: PrintContext): string {
  if (ctx.format === 'json') return json(result);
  const c = ctx.colors;
  const width = Math.max(...result.subjects.map((s) => s.subject.length), 7);
  const lines = [`registered against ${result.registryUrl}`];
  for (const s of result.subjects) {
    const mark = s.status === 'unchanged' ? c.dim('=') : c.green('+');
    const status =
      s.status === 'unchanged'
        ? c.dim('unchanged')
        : s.status === 'new-subject'
          ? c.green('new subject')
          : c.green('new version');
    const level = s.levelChanged
      ? `level ${s.levelChanged.from ?? '(global)'} → ${s.levelChanged.to}`
      : `level ${s.level}`;
    lines.push(`${mark} ${s.subject.padEnd(width)}  v${s.version}, id ${s.id}  ${status}  ${c.dim(level)}`);
  }
  const added = result.subjects.filter((s) => s.status !== 'unchanged').length;
  lines.push(added === 0 ? 'nothing new: every schema was registered already' : `${added} version(s) registered`);
  return `${lines.join('\n')}\n`;
}

/** `contracts apply`: the topics, then the subjects; on a dry run, the command that applies the plan. */
export function renderApply(result: ApplyResult, ctx: PrintContext): string {
  if (ctx.format === 'json') return json(result);
  const parts: string[] = [];
  if (result.topics) parts.push(renderTopicPlan(result.topics, ctx, result.dryRun));
  if (result.plan) parts.push(renderPlan(result.plan, ctx, false));
  if (result.registration) parts.push(renderRegistration(result.registration, ctx));
  if (result.dryRun) {
    const topicChanges = result.topics?.entries.filter((e) => e.action !== 'unchanged').length ?? 0;
    const subjectChanges = result.plan?.subjects.filter((s) => s.status !== 'unchanged').length ?? 0;
    const refused = result.plan !== undefined && !result.plan.compatible;
    parts.push(
      refused
        ? `${ctx.colors.red('the registry would refuse a change')}: fix the schema before \`contracts apply\`\n`
        : topicChanges + subjectChanges > 0
          ? `run \`contracts apply\` to make these changes\n`
          : 'nothing to change\n',
    );
  }
  return parts.join('');
}
