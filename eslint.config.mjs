// ESLint flat config: TypeScript rules plus the architecture's import boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioPackages = [
  'mongoose',
  'mongodb',
  'kafkajs',
  '@apollo/*',
  'express',
  'graphql',
  '@creditbank/mongo',
  '@creditbank/events',
  '@creditbank/server',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.local/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        Headers: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-ignore': 'allow-with-description', 'ts-expect-error': 'allow-with-description' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@creditbank/*/src', '@creditbank/*/src/*', '**/shared/*/src/*', '**/services/*/src/*'],
              message: 'Import packages through their public index, never another package’s src/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The domain and the use-cases are pure: no database, broker or GraphQL server types.
    files: ['services/*/src/domain/**/*.ts', 'services/*/src/use-cases/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ioPackages,
              message: 'domain/ and use-cases/ never import I/O libraries; define a port in use-cases/ports.ts instead.',
            },
            { group: ['@creditbank/*/src', '@creditbank/*/src/*'], message: 'Import packages through their public index.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.spec.ts', 'tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
