/**
 * What a bench leaves on the cluster it measured: nothing. Its topics go, and with them every
 * consumer group named after one of them (each bench names its groups `<topic>-…`).
 */
import type { Admin } from 'kafkajs';

export async function deleteBenchTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  const { groups } = await admin.listGroups().catch(() => ({ groups: [] as Array<{ groupId: string }> }));
  const named = groups.map((g) => g.groupId).filter((id) => topics.some((t) => id.startsWith(`${t}-`)));
  if (named.length > 0) await admin.deleteGroups(named).catch(() => undefined);
}
