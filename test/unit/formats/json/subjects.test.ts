/** JSON Schema subjects carry a namespace (default: the topic), so titles cannot collide on a shared registry. */
import { join } from 'node:path';
import { readJsonTopic } from '../../../../src/formats/json/reader';
import { loadConfig } from '../../../../src/config';
import { ROOT } from '../../../support/bookings-samples';

const config = loadConfig(join(ROOT, 'examples', 'service', 'contracts.config.json'));
const ledger = config.topics.find((t) => t.name === 'ledger')!;

it('names JSON Schema subjects <topic>.<title> by default', () => {
  const model = readJsonTopic(ledger, config.rootDir);
  expect(model.schemas.map((s) => s.subject)).toEqual(['ledger.Amount', 'ledger.EntryPosted', 'ledger-value']);
  const posted = model.schemas.find((s) => s.subject === 'ledger.EntryPosted')!;
  expect(posted.references).toEqual([{ name: 'amount.schema.json', subject: 'ledger.Amount' }]);
});

it('takes the namespace from subjectNamespace, and "" keeps the bare title', () => {
  expect(
    readJsonTopic({ ...ledger, subjectNamespace: 'com.example.finance' }, config.rootDir).schemas.map((s) => s.subject),
  ).toEqual(['com.example.finance.Amount', 'com.example.finance.EntryPosted', 'ledger-value']);
  expect(readJsonTopic({ ...ledger, subjectNamespace: '' }, config.rootDir).schemas.map((s) => s.subject)).toEqual([
    'Amount',
    'EntryPosted',
    'ledger-value',
  ]);
});
