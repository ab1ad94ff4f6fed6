/**
 * Stops what the global setup started, and nothing else: a stack that was already running (or
 * external servers) stays up. CONTRACTS_STACK_KEEP=1 keeps a started stack for faster reruns.
 */
import { createLocalStack } from '../../src/stack';
import { takeStackOwnership } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const ownership = takeStackOwnership();
  if (!ownership || ownership.started.length === 0) return;
  if (process.env.CONTRACTS_STACK_KEEP === '1') {
    process.stderr.write(
      '\nintegration: CONTRACTS_STACK_KEEP=1, leaving the local stack running (contracts stack down stops it)\n',
    );
    return;
  }
  const stack = createLocalStack({ rootDir: ownership.rootDir });
  const status = await stack.status();
  const everything = [...status.brokers.map((b) => b.name), status.registry.name];
  if (everything.every((name) => ownership.started.includes(name))) {
    await stack.down();
    return;
  }
  // Part of the stack was already running: stop only the parts the setup started.
  for (const name of ownership.started) {
    if (name === 'registry') await stack.stopRegistry();
    else await stack.stopBroker(Number(name.replace('kafka-', '')));
  }
}
