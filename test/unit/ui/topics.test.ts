import type { ContractsConfig } from '../../../src/config';
import type { SubjectList } from '../../../src/ui/catalog';
import { monitoredTopics, projectHints } from '../../../src/ui/topics';

describe('what the UI monitors and hints', () => {
  const config = (rootDir: string) =>
    ({ rootDir, topics: [{ name: 'bookings', deadLetterTopic: 'bookings.dlq' }] }) as unknown as ContractsConfig;
  it("shows the config's topics and those the registry's -value subjects name, not dead-letter topics", () => {
    const list = {
      subjects: [
        { subject: 'bookings-value' },
        { subject: 'payments-value' },
        { subject: 'bookings.dlq-value' },
        { subject: 'travel.Money' },
      ],
    } as unknown as SubjectList;
    expect(monitoredTopics(config('/x'), list)).toEqual([
      { topic: 'bookings', deadLetterTopic: 'bookings.dlq', sources: ['config', 'registry'] },
      { topic: 'payments', deadLetterTopic: 'payments.dlq', sources: ['registry'] },
    ]);
  });
  it("says npm start only in the kit's own repository; a service's project gets npx contracts", () => {
    const root = `${__dirname}/../../..`;
    expect(projectHints(config(root))).toEqual({
      cli: 'npm run contracts --',
      register: 'npm run contracts -- apply',
      produce: 'npm start',
    });
    expect(projectHints(config(`${root}/examples/service`))).toEqual({
      cli: 'npx contracts',
      register: 'npx contracts apply',
      produce: null,
    });
    expect(projectHints(undefined).produce).toBeNull();
  });
});
