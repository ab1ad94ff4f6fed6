// `unit` needs no servers, no Java and no Python; `judges` holds the kit's verdicts against outside
// implementations run here (Apache Avro's Java parser, its Python checker); `integration` runs
// against a real Kafka and Schema Registry, the suite's own stack started by the global setup
// unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL are set; `faults` kills, freezes and refuses servers,
// most of them on stacks of each scenario's own (fixed ports), the others on a topic of their own
// on the same shared stack (jest runs a global setup named by several projects once);
// `conformance` judges the checker against an outside corpus and runs only through
// `npm run test:conformance -- <dir>`. `npm test` (scripts/test.js) runs the first four side by
// side with more workers than cores; the sequencer starts the longest waits first.
// openid-client 6 and its dependencies are ES modules only: Node runs them through require(esm),
// jest on Node 24.9 and newer too, but not jest on Node 22, so they are compiled to CommonJS here
const ESM_ONLY = ['openid-client', 'oauth4webapi', 'jose'];
const transform = {
  '^.+\\.tsx?$': ['@swc/jest'],
  [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
    '@swc/jest',
    { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`];
// examples import the package by name, as a service would; generated code imports `./x.js`
const moduleNameMapper = {
  '^booking-event-contracts$': '<rootDir>/src/index.ts',
  '^booking-event-contracts/testing$': '<rootDir>/src/testing.ts',
  '^booking-event-contracts/wire$': '<rootDir>/src/wire/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // jest's default on 2 cores is 1 (one fewer than the cores): the unit tests take 36 s on 2 workers, 61 s on 1
  maxWorkers: '100%',
  // a per-project testTimeout is not applied by jest 30; integration tests start CLIs and servers
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'judges',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/judges/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/faults/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      displayName: 'faults',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/integration/faults/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      displayName: 'conformance',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
