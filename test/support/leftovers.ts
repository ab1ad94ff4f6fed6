/**
 * On servers of the user's (KAFKA_BROKERS / SCHEMA_REGISTRY_URL set), what a test run made: the
 * topics, subjects and consumer groups that were not there when it began. The global setup takes
 * the snapshot, the teardown removes the difference, so a run leaves the servers as it found them.
 * (The suite's own local stack needs none of this: its data is purged.)
 */
import { Kafka, logLevel } from 'kafkajs';

export interface ServerSnapshot {
  topics: string[];
  subjects: string[];
  groups: string[];
}

const JSON_TYPE = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };

async function withAdmin<T>(brokers: string[], work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'test-leftovers', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

async function subjects(registryUrl: string): Promise<string[]> {
  const response = await fetch(`${registryUrl.replace(/\/+$/, '')}/subjects`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${registryUrl}/subjects answered ${response.status}`);
  return (await response.json()) as string[];
}

export async function snapshotLeftovers(brokers: string[], registryUrl: string): Promise<ServerSnapshot> {
  const [kafka, registered] = await Promise.all([
    withAdmin(brokers, async (admin) => ({
      topics: await admin.listTopics(),
      groups: (await admin.listGroups()).groups.map((g) => g.groupId),
    })),
    subjects(registryUrl),
  ]);
  return { ...kafka, subjects: registered };
}

/** Removes what is there now and was not in `before`; returns the counts. */
export async function removeLeftovers(
  brokers: string[],
  registryUrl: string,
  before: ServerSnapshot,
): Promise<{ topics: number; subjects: number; groups: number }> {
  const now = await snapshotLeftovers(brokers, registryUrl);
  const added = (was: string[], is: string[]) => is.filter((name) => !was.includes(name) && !name.startsWith('__'));
  const topics = added(before.topics, now.topics);
  const groups = added(before.groups, now.groups);
  const newSubjects = added(before.subjects, now.subjects);
  await withAdmin(brokers, async (admin) => {
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined); // a group still with members stays
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 60_000 });
  });
  const base = registryUrl.replace(/\/+$/, '');
  // referenced subjects can only go once their referrers have: retry the rest a few rounds
  let left = newSubjects;
  for (let round = 0; round < 5 && left.length > 0; round += 1) {
    const failed: string[] = [];
    for (const subject of left) {
      const path = `${base}/subjects/${encodeURIComponent(subject)}`;
      const soft = await fetch(path, { method: 'DELETE', headers: JSON_TYPE });
      const hard = await fetch(`${path}?permanent=true`, { method: 'DELETE', headers: JSON_TYPE });
      if (!soft.ok && !hard.ok) failed.push(subject);
    }
    left = failed;
  }
  return { topics: topics.length, subjects: newSubjects.length - left.length, groups: groups.length };
}
