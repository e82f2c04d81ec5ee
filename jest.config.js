/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Suites that drive a Temporal server share global time (time-skipping) and two cores: run serially.
  maxWorkers: 1,
  testTimeout: 120000,
};
