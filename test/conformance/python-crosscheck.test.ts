/**
 * The outside conformance corpus through Apache Avro's Python reference implementation: every
 * reader/writer pair behind its Avro cases gets the same verdict from both.
 */
import { casePairs, expectAgreement } from '../support/avro-python';
import { loadConformance } from '../support/conformance';

describe('conformance Avro pairs agree with Apache Avro (Python reference implementation)', () => {
  expectAgreement('conformance corpus', casePairs(loadConformance('avro-cases.json').cases));
});
