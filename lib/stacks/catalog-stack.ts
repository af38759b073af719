// Catalog: the Glue databases (bronze, silver, gold, ops), every Iceberg table declared from glue-schemas/derived
// (AWS::Glue::Table with OpenTableFormatInput.IcebergInput: field ids, partition spec, write order, properties), a
// Glue Schema Registry schema per contract, the Athena workgroup (engine v3, KMS-encrypted results, enforced
// configuration, bytes-scanned cutoff, CloudWatch metrics) and the named queries of lib/athena-queries/.
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { NamedQueries } from '../constructs/named-queries.js';
import { icebergInput } from '../schemas/glue-table.js';
import { SchemaError } from '../schemas/load.js';
import type { LakeLayer, SchemaModel } from '../schemas/model.js';
import { bucketName, databaseName, removalPolicy, ShoplakeStack, type ShoplakeStackProps } from './common.js';

/** Glue Schema Registry limit on one schema definition. */
const MAX_SCHEMA_DEFINITION = 170_000;

export interface CatalogStackProps extends ShoplakeStackProps {
  readonly model: SchemaModel;
  readonly dataKey: kms.IKey;
}

export class CatalogStack extends ShoplakeStack {
  readonly databases: Readonly<Record<LakeLayer, glue.CfnDatabase>>;
  readonly tables: glue.CfnTable[] = [];
  readonly workGroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: CatalogStackProps) {
    super(scope, id, props);
    const { config, model } = props;
    const removal = removalPolicy(config);
    const layers: LakeLayer[] = ['bronze', 'silver', 'gold', 'ops'];
    const dbNames = Object.fromEntries(layers.map((l) => [l, databaseName(config, l)])) as Record<LakeLayer, string>;

    this.databases = Object.fromEntries(
      layers.map((layer) => {
        const db = new glue.CfnDatabase(this, `Database-${layer}`, {
          catalogId: this.account,
          databaseInput: {
            name: dbNames[layer],
            description: `shoplake ${config.name} ${layer} layer (Iceberg tables in s3://${bucketName(config, layer)}/)`,
            locationUri: `s3://${bucketName(config, layer)}/`,
          },
        });
        db.applyRemovalPolicy(removal);
        return [layer, db];
      }),
    ) as Record<LakeLayer, glue.CfnDatabase>;

    const snapshotAgeMs = String(Math.round(config.maintenance.snapshotRetentionDays * 24 * 3_600_000));
    for (const table of model.tables) {
      const cfn = new glue.CfnTable(this, `Table-${table.namespace}-${table.name}`, {
        catalogId: this.account,
        databaseName: dbNames[table.namespace],
        name: table.name,
        openTableFormatInput: {
          icebergInput: icebergInput(table, {
            location: `s3://${bucketName(config, table.namespace)}/${table.name}`,
            extraProperties: {
              'history.expire.max-snapshot-age-ms': snapshotAgeMs,
              'write.parquet.compression-codec': 'zstd',
            },
          }),
        },
      });
      cfn.addResourceDependency(this.databases[table.namespace]);
      cfn.applyRemovalPolicy(removal);
      this.tables.push(cfn);
    }

    const registry = new glue.CfnRegistry(this, 'SchemaRegistry', {
      name: `shoplake-${config.name}`,
      description: `shoplake ${config.name}: the event contracts (JSON Schema, one per event type)`,
    });
    registry.applyRemovalPolicy(removal);
    for (const c of model.contracts) {
      const definition = JSON.stringify(c.jsonSchema);
      if (definition.length > MAX_SCHEMA_DEFINITION) {
        throw new SchemaError(
          `${c.source}: its JSON Schema is ${definition.length} bytes; the Glue Schema Registry accepts ${MAX_SCHEMA_DEFINITION}`,
        );
      }
      const schema = new glue.CfnSchema(this, `Schema-${c.eventType}`, {
        name: c.eventType,
        registry: { arn: registry.attrArn },
        dataFormat: 'JSON',
        compatibility: 'BACKWARD',
        schemaDefinition: definition,
        description: (c.doc ?? `shoplake event ${c.eventType}`).slice(0, 2048),
      });
      schema.applyRemovalPolicy(removal);
    }

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `shoplake-${config.name}`,
      description: `shoplake ${config.name}: analysts' queries over the lake`,
      state: 'ENABLED',
      recursiveDeleteOption: config.removalPolicy === 'destroy',
      workGroupConfiguration: {
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: config.athenaBytesScannedCutoff,
        requesterPaysEnabled: false,
        resultConfiguration: {
          outputLocation: `s3://${bucketName(config, 'athena-results')}/results/`,
          expectedBucketOwner: this.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.dataKey.keyArn },
        },
      },
    });
    this.workGroup.applyRemovalPolicy(removal);

    new NamedQueries(this, 'NamedQueries', {
      directory: fileURLToPath(new URL('../athena-queries/', import.meta.url)),
      displayPath: 'lib/athena-queries',
      workGroup: this.workGroup,
      databases: dbNames,
      knownTables: new Set(model.tables.map((t) => `${t.namespace}.${t.name}`)),
    });
  }
}
