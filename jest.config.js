// One jest run covers every package and the cross-package tests in test/.
// @swc/jest strips types without checking them; `npm run typecheck` (part of `npm test`) checks them.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/packages/*/src/**/*.spec.ts',
    '<rootDir>/packages/*/test/**/*.spec.ts',
    '<rootDir>/sample-app/test/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
  ],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@rocketnest/([a-z-]+)$': '<rootDir>/packages/$1/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/'],
  testTimeout: 30_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
