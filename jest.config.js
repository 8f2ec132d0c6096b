/**
 * One jest run covers everything: unit specs beside the code, per-service integration tests and the
 * end-to-end suite. Workspace packages resolve to their TypeScript sources through the
 * `creditbank-source` export condition, so no build is needed to test.
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', 'creditbank-source'] },
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json', 'mjs', 'cjs'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  // Integration tests wait for events across Kafka; unit tests finish far below this.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{shared,services,gateway,tools}/**/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{shared,services,gateway,tools}/**/test/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
      globalSetup: '<rootDir>/shared/testing/jest/global-setup.js',
      slowTestThreshold: 30,
    },
  ],
};
