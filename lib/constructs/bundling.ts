// How every NodejsFunction of the app is bundled: the locally installed esbuild (never Docker), ESM output for
// Node 22 on arm64, source maps, and the repo's lock file. Tests skip bundling for speed with CDK's own
// `aws:cdk:bundling-stacks` context (see test/support/cdk-app.ts); `cdk synth` always bundles the real code.
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { fileURLToPath } from 'node:url';

/** The repository root: NodejsFunction entries and the lock file are resolved from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function bundlingFor(): Pick<nodejs.NodejsFunctionProps, 'bundling' | 'projectRoot' | 'depsLockFilePath'> {
  return {
    projectRoot: REPO_ROOT,
    depsLockFilePath: `${REPO_ROOT}package-lock.json`,
    bundling: {
      forceDockerBundling: false,
      format: nodejs.OutputFormat.ESM,
      target: 'node22',
      platform: 'node',
      mainFields: ['module', 'main'],
      minify: true,
      sourceMap: true,
      sourceMapMode: nodejs.SourceMapMode.INLINE,
      // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
      banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      // The Node 22 runtime ships AWS SDK v3, but bundling pins the version the tests ran against.
      externalModules: [],
      environment: { NODE_ENV: 'production' },
    },
  };
}

export const NODE_RUNTIME = lambda.Runtime.NODEJS_22_X;
