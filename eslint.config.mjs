import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'build/',
      'definition.json',
      'zapierwrapper.js',
      '.ci/cache/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // `import x = require()` is how a CommonJS `export =` module is imported.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  // One direction of imports: tools (sandbox, bench, scripts) may read the app's verifier, delivery
  // reader, catalog and normalizer (and the docs generator the whole definition); the app never
  // imports tools, so nothing of them reaches the Zapier build.
  {
    files: [
      '*.ts',
      'keygen/**',
      'triggers/**',
      'creates/**',
      'searches/**',
      'steps/**',
      'platform/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/tools/**', '**/test/**'],
              message: 'The app never imports dev tools or tests.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tools/**'],
    ignores: ['tools/scripts/write-docs.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/index',
                '**/authentication',
                '**/triggers/**',
                '**/creates/**',
                '**/searches/**',
                '**/steps/**',
                '**/platform/**',
                '**/keygen/*',
                '!**/keygen/signature',
                '!**/keygen/delivery',
                '!**/keygen/events',
                '!**/keygen/normalize',
              ],
              message:
                "Tools use only the app's verifier, delivery reader, catalog and normalizer.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
