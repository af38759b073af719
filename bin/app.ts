#!/usr/bin/env -S npx tsx
// The CDK app entry: `npx cdk synth|deploy -c env=dev|staging|prod [-c account=123456789012]`. Offline and
// lookup-free: account, region and zones come from lib/config/<env>.ts, tables from glue-schemas/derived/.
import { App } from 'aws-cdk-lib';
import { fileURLToPath } from 'node:url';
import { addCompliancePlugins } from '../lib/compliance/plugins.js';
import { loadConfig } from '../lib/config/index.js';
import { loadSchemaModel } from '../lib/schemas/load.js';
import { buildShoplake } from '../lib/shoplake.js';

const app = new App();
const config = loadConfig(app.node.tryGetContext('env') as string | undefined, {
  account: app.node.tryGetContext('account') as string | undefined,
});
const model = loadSchemaModel(fileURLToPath(new URL('../', import.meta.url)));
addCompliancePlugins(app, { controlTower: String(app.node.tryGetContext('controlTower')) === 'true' });
buildShoplake(app, config, model);
app.synth();
