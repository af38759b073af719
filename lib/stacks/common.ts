// What every stack shares: its name, its environment (explicit account and region, so synth never looks anything
// up), termination protection where data lives, and the removal policy the config asks for.
import { RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type { EnvConfig } from '../config/types.js';

export interface ShoplakeStackProps extends StackProps {
  readonly config: EnvConfig;
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
