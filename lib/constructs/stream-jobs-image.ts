// The one container image of stream-jobs/ (the ECS consumer, table maintenance and the gold build). Its build context
// is the repository root, because the jobs bundle core/; stream-jobs/.dockerignore is an allowlist that keeps the
// context to what the image needs. Synth only stages and fingerprints the context; Docker runs at `cdk deploy`.
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import { IgnoreMode } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './bundling.js';

export const DOCKERFILE = 'stream-jobs/Dockerfile';

/** The jobs the image holds: stream-jobs/<job>.ts, bundled by stream-jobs/bundle.ts to /app/dist/<job>.mjs. */
export type StreamJobName = 'ingest' | 'maintenance' | 'gold';

/** The container command that runs one job of the image (WORKDIR /app). */
export function streamJobCommand(job: StreamJobName): string[] {
  return ['node', `dist/${job}.mjs`];
}
export const DOCKERIGNORE = 'stream-jobs/.dockerignore';

/** The patterns of stream-jobs/.dockerignore (comments and blank lines dropped). */
export function dockerIgnorePatterns(): string[] {
  return readFileSync(`${REPO_ROOT}${DOCKERIGNORE}`, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export class StreamJobsImage extends Construct {
  readonly asset: ecrAssets.DockerImageAsset;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.asset = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: REPO_ROOT,
      file: DOCKERFILE,
      exclude: dockerIgnorePatterns(),
      ignoreMode: IgnoreMode.DOCKER,
      platform: ecrAssets.Platform.LINUX_ARM64,
    });
  }
}
