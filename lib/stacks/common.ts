// What every stack shares: its name, its environment (explicit account and region, so synth never looks anything
// up), termination protection where data lives, and the removal policy the config asks for.
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvConfig } from '../config/types.js';

export interface ShoplakeStackProps extends StackProps {
  readonly config: EnvConfig;
}

/**
 * Base of every shoplake stack: the zones are the configured ones, so nothing (VPC, endpoints, subnets) ever asks
 * the availability-zones context provider, and `cdk synth` needs no credentials.
 */
export class ShoplakeStack extends Stack {
  readonly config: EnvConfig;

  constructor(scope: Construct, id: string, props: ShoplakeStackProps) {
    super(scope, id, props);
    this.config = props.config;
  }

  override get availabilityZones(): string[] {
    return [...this.config.availabilityZones];
  }
}

export function stackProps(config: EnvConfig, part: string, description: string): ShoplakeStackProps {
  return {
    config,
    stackName: `shoplake-${config.name}-${part}`,
    description: `shoplake ${config.name}: ${description}`,
    env: { account: config.account, region: config.region },
    terminationProtection: config.removalPolicy === 'retain',
  };
}

export function removalPolicy(config: EnvConfig): RemovalPolicy {
  return config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** Physical name of a layer's Glue database in this environment, e.g. `shoplake_prod_silver`. */
export function databaseName(config: EnvConfig, layer: string): string {
  return `shoplake_${config.name}_${layer}`;
}

export type BucketRole = 'bronze' | 'silver' | 'gold' | 'ops' | 'athena-results' | 'access-logs';

/**
 * Physical bucket name, e.g. `shoplake-prod-333333333333-eu-west-1-silver`. Explicit names keep IAM statements and
 * their acknowledgements literal and stable (no cross-stack tokens), and are globally unique by account and region.
 */
export function bucketName(config: EnvConfig, role: BucketRole): string {
  return `shoplake-${config.name}-${config.account}-${config.region}-${role}`;
}

/** Namespace of the EMF metrics the consumers and the maintenance task publish (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'shoplake';

/** The `service` dimension of those metrics in this environment (POWERTOOLS_SERVICE_NAME), e.g. `shoplake-prod`. */
export function serviceName(config: EnvConfig): string {
  return `shoplake-${config.name}`;
}
