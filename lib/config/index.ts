// The registry of environments and the one entry point the app uses: loadConfig(name) returns a validated
// EnvConfig or throws an error that names the environment and every bad key.
import { dev } from './dev.js';
import { prod } from './prod.js';
import { staging } from './staging.js';
import type { EnvConfig } from './types.js';
import { ConfigError, validateConfig } from './validate.js';

export type { EnvConfig } from './types.js';
export { ConfigError, validateConfig } from './validate.js';

/** Every environment `cdk synth -c env=<name>` accepts. Add a new one here and in its own file. */
export const ENVIRONMENTS: Readonly<Record<string, EnvConfig>> = { dev, staging, prod };

export interface ConfigOverrides {
  /** `-c account=123456789012`: deploy an environment into another account without editing its file. */
  readonly account?: string;
}

export function loadConfig(name: string | undefined, overrides: ConfigOverrides = {}): EnvConfig {
  if (name === undefined || name === '') {
    throw new ConfigError('(none)', [
      `no environment given: run with -c env=<name>, one of ${Object.keys(ENVIRONMENTS).join(', ')}`,
    ]);
  }
  const base = Object.hasOwn(ENVIRONMENTS, name) ? ENVIRONMENTS[name] : undefined;
  if (!base) {
    throw new ConfigError(name, [
      `env: unknown environment '${name}'; known environments are ${Object.keys(ENVIRONMENTS).join(', ')} ` +
        `(add lib/config/${name}.ts and register it in lib/config/index.ts)`,
    ]);
  }
  const config: EnvConfig = overrides.account ? { ...base, account: overrides.account } : base;
  validateConfig(config);
  return config;
}
