// The policy checks every synth runs: cdk-nag's AwsSolutions pack (v3, a CDK validation plugin), the Control Tower
// proactive controls of @cdklabs/cdk-validator-cfnguard (cfn-guard binary shipped in the package), and
// aws-cdk-lib's bundled CloudFormation validator with errors made fatal (cdk.json
// `@aws-cdk/core:validateAgainstDefaultRules`). Any unacknowledged finding fails synth.
import {
  type App,
  type IPolicyValidationContextBeta1,
  type IPolicyValidationPluginBeta1,
  type PolicyValidationPluginReportBeta1,
  Validations,
} from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';

export interface ComplianceOptions {
  /**
   * Also run the Control Tower rules (cfn-guard over every template; about 5 s of CPU for an environment). CI runs
   * them over prod (test/lib/app.test.ts); locally: `npx cdk synth -c env=prod -c controlTower=true`.
   */
  readonly controlTower?: boolean;
}

/** cfn-guard prints a report per template; the catalog template alone is large. */
const GUARD_MAX_BUFFER = 64 * 1024 * 1024;

/** Every Control Tower rule file of the package with the resource types it names. */
export function controlTowerRules(): { name: string; types: string[] }[] {
  const pkg = dirname(dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard')));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.guard') ? [join(dir, e.name)] : [],
    );
  return walk(join(pkg, 'rules/control-tower/cfn-guard')).map((file) => ({
    name: parse(file).name,
    types: [...new Set(readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [])],
  }));
}

/**
 * The Control Tower rules, run over the rules that can match: each rule selects `Resources.*[ Type == '<type>' ]`
 * and checks only when that selection is not empty, so a rule naming none of the templates' resource types cannot
 * find anything and is left out (a rule that names no type is always run). Same findings as the full set, about a
 * third of cfn-guard's CPU (docs/benchmarks.md "## cdk"). Name, version and rule ids are the package's, so
 * acknowledgements (`cdk-validator-cfnguard::<rule>`) are unchanged.
 */
export class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];

  constructor() {
    const all = new CfnGuardValidator({ maxBuffer: GUARD_MAX_BUFFER });
    this.name = all.name;
    this.version = all.version;
    this.ruleIds = all.ruleIds;
  }

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const present = new Set<string>();
    for (const path of context.templatePaths) {
      const resources = (JSON.parse(readFileSync(path, 'utf8')) as { Resources?: Record<string, { Type: string }> })
        .Resources;
      for (const r of Object.values(resources ?? {})) present.add(r.Type);
    }
    const disabledRules = controlTowerRules()
      .filter((r) => r.types.length > 0 && !r.types.some((t) => present.has(t)))
      .map((r) => r.name);
    const guard = new CfnGuardValidator({ maxBuffer: GUARD_MAX_BUFFER, disabledRules });
    return guard.validate(context as never) as unknown as PolicyValidationPluginReportBeta1;
  }
}

export function addCompliancePlugins(app: App, opts: ComplianceOptions = {}): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  if (opts.controlTower) Validations.of(app).addPlugins(new ControlTowerChecks());
}
