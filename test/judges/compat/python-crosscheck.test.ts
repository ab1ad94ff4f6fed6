/**
 * Cross-check with a client this project did not write: Apache Avro's Python reference
 * implementation must give the offline checker's reader/writer verdict on every pair of the
 * project's rule fixtures, of hand-made shapes and of 400 generated schema/mutation pairs.
 * (The outside conformance corpus gets the same check in `npm run test:conformance`.)
 */
import { expectAgreement, generatePairs, handcraftedPairs, ruleFixturePairs } from '../../support/avro-python';

/** Where the kit follows Java's SchemaCompatibility (Confluent's judge) rather than the Python port. */
const FOLLOWS_JAVA = {
  'fixture-FIELD_ALIAS_AMBIGUOUS#0/backward':
    "Java's checker throws when a reader field matches several writer fields through its aliases (so Confluent refuses the change); the Python port takes the first match",
};

describe('Avro verdicts agree with Apache Avro (Python reference implementation)', () => {
  expectAgreement(
    'own fixtures and generated pairs',
    [...ruleFixturePairs(), ...handcraftedPairs(), ...generatePairs(400)],
    FOLLOWS_JAVA,
  );
});
