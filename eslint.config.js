// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.shoplake/', 'coverage/', '**/*.d.ts', 'test/**/__snapshots__/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Runtime code never imports CDK code, and CDK code never imports runtime code.
    files: ['core/**/*.ts', 'lambdas/**/*.ts', 'stream-jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/lib/**', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@aws-cdk/*', 'cdk-nag'],
              message: 'Runtime code must not import CDK code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/**/*.ts', 'bin/app.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/**', '**/lambdas/**', '**/stream-jobs/**'],
              message: 'CDK code must not import runtime code; read glue-schemas/ or lib/config/ instead.',
            },
          ],
        },
      ],
    },
  },
);
