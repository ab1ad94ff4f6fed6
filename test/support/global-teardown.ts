/**
 * Ends what the global setup began: the suite's own stack is stopped and its data purged (kept
 * running with CONTRACTS_STACK_KEEP=1, for faster reruns); on servers of the user's, the topics,
 * subjects and consumer groups the run made are removed.
 */
import { takeStackOwnership } from './global-setup';
import { removeLeftovers } from './leftovers';
import { testStack } from './test-stack';

export default async function globalTeardown(): Promise<void> {
  const ownership = takeStackOwnership();
  if (!ownership) return;
  if (ownership.before) {
    const brokers = process.env.KAFKA_BROKERS!.split(',');
    const removed = await removeLeftovers(brokers, process.env.SCHEMA_REGISTRY_URL!, ownership.before);
    process.stderr.write(
      `\nintegration: removed what the run made on your servers: ${removed.topics} topics, ${removed.subjects} subjects, ${removed.groups} consumer groups\n`,
    );
    return;
  }
  if (process.env.CONTRACTS_STACK_KEEP === '1') {
    process.stderr.write(
      "\nintegration: CONTRACTS_STACK_KEEP=1, leaving the suite's stack running with its data (`rm -rf .stack/test` after stopping it discards it)\n",
    );
    return;
  }
  await testStack().down({ purge: true });
}
