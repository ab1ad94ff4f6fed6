/** Printer for the topics part of `contracts apply` (its plan, or what it changed). */
import type { TopicPlan, TopicPlanEntry } from '../../topics';
import type { PrintContext } from './check';
import { json } from './output';

function partitionsText(e: TopicPlanEntry): string {
  const { current, wanted } = e.partitions;
  return current === undefined || current === wanted ? `${wanted} partition(s)` : `partitions ${current} → ${wanted}`;
}

export function renderTopicPlan(plan: TopicPlan, ctx: PrintContext, dryRun: boolean): string {
  if (ctx.format === 'json') return json(plan);
  const c = ctx.colors;
  const width = Math.max(...plan.entries.map((e) => e.topic.length), 5);
  const lines = [c.bold(dryRun ? 'topics plan (dry run: nothing is changed)' : 'topics')];
  for (const e of plan.entries) {
    const name = e.topic.padEnd(width);
    const role = e.role === 'dead-letter' ? c.dim(`  (dead letters of ${e.configTopic})`) : '';
    const configs = e.configChanges
      .map((ch) => `${ch.name}=${ch.wanted}${ch.current === undefined ? '' : c.dim(` (was ${ch.current})`)}`)
      .join(', ');
    const rf = `replication ${e.replicationFactor.wanted}`;
    if (e.action === 'create') {
      lines.push(
        `${c.green('+')} ${name}  ${c.green(dryRun ? 'create' : 'created')}: ${partitionsText(e)}, ${rf}${configs ? `, ${configs}` : ''}${role}`,
      );
    } else if (e.action === 'update') {
      lines.push(
        `${c.yellow('~')} ${name}  ${c.yellow(dryRun ? 'update' : 'updated')}: ${[e.partitions.current !== e.partitions.wanted ? partitionsText(e) : '', configs].filter(Boolean).join(', ')}${role}`,
      );
    } else {
      lines.push(`${c.dim('=')} ${name}  ${c.dim(`unchanged: ${partitionsText(e)}, ${rf}`)}${role}`);
    }
    for (const warning of e.warnings) lines.push(`  ${c.yellow('!')} ${e.topic} ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}
