/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Source before the root index.js shim, which loads the compiled dist/.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  // @noble/* ship ESM only; let ts-jest turn them into CommonJS for Jest.
  transformIgnorePatterns: ['/node_modules/(?!@noble/)'],
  // Under load (2 cores shared by several suites) tests run several times slower than alone.
  testTimeout: 20_000,
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // Records output and fails a file whose output, results or errors contain a test token.
  setupFilesAfterEnv: ['<rootDir>/test/setup-output.ts'],
};
