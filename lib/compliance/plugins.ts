// The policy checks every synth runs: cdk-nag's AwsSolutions pack (v3, a CDK validation plugin), the Control Tower
// proactive controls of @cdklabs/cdk-validator-cfnguard (cfn-guard binary shipped in the package), and
// aws-cdk-lib's bundled CloudFormation validator with errors made fatal (cdk.json
// `@aws-cdk/core:validateAgainstDefaultRules`). Any unacknowledged finding fails synth.
import { type App, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';

export interface ComplianceOptions {
  /**
   * Also run the Control Tower rules (cfn-guard over every template; about 10 s of CPU for an environment). CI runs
   * them over prod (test/lib/compliance/control-tower.test.ts); locally: `npx cdk synth -c env=prod -c controlTower=true`.
   */
  readonly controlTower?: boolean;
}

export function addCompliancePlugins(app: App, opts: ComplianceOptions = {}): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  if (opts.controlTower) {
    // maxBuffer: cfn-guard prints a report per template; the catalog template alone is large.
    Validations.of(app).addPlugins(new CfnGuardValidator({ maxBuffer: 64 * 1024 * 1024 }) as never);
  }
}
