// `unit` needs no servers; `integration` runs against a real Kafka and Schema Registry, started
// by the global setup unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL are set; `faults` kills, freezes
// and refuses servers, most of them on stacks of each scenario's own (fixed ports), the others on
// a topic of their own on the same shared stack (jest runs a global setup named by two projects
// once); `conformance` judges the checker against an outside corpus and runs only through
// `npm run test:conformance -- <dir>`.
const transform = { '^.+\\.tsx?$': ['@swc/jest'] };
// examples import the package by name, as a service would; generated code imports `./x.js`
const moduleNameMapper = { '^booking-event-contracts$': '<rootDir>/src/index.ts', '^(\\.{1,2}/.*)\\.js$': '$1' };

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // a per-project testTimeout is not applied by jest 30; integration tests start CLIs and servers
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
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
      moduleNameMapper,
      testMatch: ['<rootDir>/test/integration/faults/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      displayName: 'conformance',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
