// Network: a VPC over the configured zones (no lookups), private subnets only unless NAT gateways are configured,
// KMS-encrypted flow logs, and the endpoints that let isolated consumers reach S3, Glue, KMS, STS, CloudWatch Logs,
// Secrets Manager, ECR and Lambda without the internet.
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { EncryptedLogGroup } from '../constructs/encrypted-log-group.js';
import { removalPolicy, ShoplakeStack, type ShoplakeStackProps } from './common.js';

export interface NetworkStackProps extends ShoplakeStackProps {
  readonly logsKey: kms.IKey;
}

export class NetworkStack extends ShoplakeStack {
  readonly vpc: ec2.Vpc;
  /** The subnets consumers, brokers and endpoints live in: one per configured zone. */
  readonly privateSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    const withNat = config.network.natGateways > 0;
    const privateType = withNat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;

    const flowLogs = new EncryptedLogGroup(this, 'FlowLogs', {
      encryptionKey: props.logsKey,
      retentionDays: config.observability.logRetentionDays,
      removalPolicy: removalPolicy(config),
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(config.network.vpcCidr),
      availabilityZones: [...config.availabilityZones],
      natGateways: config.network.natGateways,
      subnetConfiguration: [
        ...(withNat
          ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false }]
          : []),
        { name: 'private', subnetType: privateType, cidrMask: 20 },
      ],
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs.logGroup),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    this.privateSubnets = { subnetType: privateType };

    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.privateSubnets] });
    const endpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      Glue: ec2.InterfaceVpcEndpointAwsService.GLUE,
      Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
      Sts: ec2.InterfaceVpcEndpointAwsService.STS,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      // The MSK event source mapping's pollers call Lambda and STS from inside the VPC.
      Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
    };
    const endpointSg = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'HTTPS from inside the VPC to the interface endpoints',
      allowAllOutbound: false,
    });
    endpointSg.addIngressRule(ec2.Peer.ipv4(config.network.vpcCidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const [name, service] of Object.entries(endpoints)) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: this.privateSubnets,
        securityGroups: [endpointSg],
        open: false,
        privateDnsEnabled: true,
      });
    }
  }
}
