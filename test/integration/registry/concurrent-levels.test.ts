/**
 * Two clients setting one subject's compatibility level at once (two services deploying, or test
 * files side by side): Apicurio answers one of them 409 "A rule named 'COMPATIBILITY' already
 * exists" while it creates the rule; the kit's client puts the level again, and every caller gets it.
 */
import { randomUUID } from 'node:crypto';
import { createSchemaRegistryClient } from '../../../src/registry';
import { stackEnv } from '../../support/stack-env';

it('sets one subject level from eight clients at once without an error', async () => {
  const { registryUrl } = stackEnv();
  const subject = `levels-race-${randomUUID().slice(0, 8)}-value`;
  const setup = createSchemaRegistryClient({ url: registryUrl });
  await setup.register(subject, { schema: JSON.stringify({ type: 'record', name: 'Race', fields: [] }) });
  try {
    for (const level of ['FULL', 'BACKWARD_TRANSITIVE'] as const) {
      const clients = Array.from({ length: 8 }, () => createSchemaRegistryClient({ url: registryUrl }));
      const answers = await Promise.all(clients.map((c) => c.setCompatibility(level, subject)));
      expect(answers).toEqual(Array(8).fill(level));
      expect(await setup.getCompatibility(subject)).toBe(level);
    }
  } finally {
    await fetch(`${registryUrl}/subjects/${subject}`, { method: 'DELETE' });
    await fetch(`${registryUrl}/subjects/${subject}?permanent=true`, { method: 'DELETE' });
  }
});
