/**
 * Which topics the monitor shows and what the page tells the user to run: the config's topics
 * and the topics the registry's subjects name (TopicNameStrategy: `<topic>-value`), each with the
 * subjects of its contract; and commands that fit the project the UI runs in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractsConfig, TopicConfig } from '../config';
import type { MonitoredTopic } from '../monitor';
import { PACKAGE_NAME } from '../package-info';
import type { LocalSubject } from '../registration';
import type { ContractRef, ProjectHints } from './api';
import type { SubjectList } from './catalog';

export function topicOf(config: ContractsConfig | undefined, topic: string): TopicConfig | undefined {
  return config?.topics.find((t) => t.name === topic);
}

/** The config's topics first, then every `<topic>-value` subject's topic; dead-letter topics are not topics of their own here. */
export function monitoredTopics(config: ContractsConfig | undefined, list: SubjectList | undefined): MonitoredTopic[] {
  const topics = new Map<string, MonitoredTopic>();
  for (const t of config?.topics ?? [])
    topics.set(t.name, { topic: t.name, deadLetterTopic: t.deadLetterTopic, sources: ['config'] });
  const deadLetterTopics = new Set([...topics.values()].map((t) => t.deadLetterTopic));
  for (const s of list?.subjects ?? []) {
    const match = /^(.+)-value$/.exec(s.subject);
    if (!match || deadLetterTopics.has(match[1]!)) continue;
    const known = topics.get(match[1]!);
    if (known) {
      if (!known.sources.includes('registry')) known.sources.push('registry');
    } else {
      topics.set(match[1]!, { topic: match[1]!, deadLetterTopic: `${match[1]!}.dlq`, sources: ['registry'] });
    }
  }
  return [...topics.values()];
}

/**
 * The subjects of a topic's contract: its `-key`/`-value` subjects in the registry, and the
 * config's top-level subjects of the topic (not the ones they only import), registered or not.
 */
export function contractsOf(
  topic: string,
  list: SubjectList | undefined,
  local: readonly LocalSubject[],
): ContractRef[] {
  const own = local.filter((l) => l.topic === topic);
  const imported = new Set(own.flatMap((l) => l.references.map((r) => r.subject)));
  const names = new Set([
    ...(list?.subjects ?? []).map((s) => s.subject).filter((s) => s === `${topic}-value` || s === `${topic}-key`),
    ...own.filter((l) => !imported.has(l.subject)).map((l) => l.subject),
  ]);
  return [...names].sort().map((subject) => {
    const s = list?.subjects.find((x) => x.subject === subject);
    return {
      subject,
      registered: s !== undefined,
      format: s?.format ?? own.find((l) => l.subject === subject)?.format ?? null,
      versions: s?.versions.length ?? 0,
      latestVersion: s?.latestVersion ?? null,
      level: s?.level ?? null,
      levelSource: s?.levelSource ?? null,
    };
  });
}

/** The kit's own repository has `npm start` (the booking platform) and runs its CLI through an npm script; a service's project has `npx contracts`. */
export function projectHints(config: ContractsConfig | undefined): ProjectHints {
  const manifest = config ? join(config.rootDir, 'package.json') : undefined;
  let name: string | undefined;
  if (manifest && existsSync(manifest)) {
    try {
      name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
    } catch {
      name = undefined;
    }
  }
  if (name === PACKAGE_NAME) {
    return { cli: 'npm run contracts --', register: 'npm run contracts -- apply', produce: 'npm start' };
  }
  return { cli: 'npx contracts', register: 'npx contracts apply', produce: null };
}
