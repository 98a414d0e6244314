/**
 * The worker on ECS Fargate: its own VPC (private subnets, one NAT gateway for Temporal and the
 * sources, gateway endpoints for S3 and DynamoDB), a cluster with Container Insights, a log group,
 * and one service whose task role holds exactly deploy/iam-policy.json.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
  Secret as EcsSecret,
} from 'aws-cdk-lib/aws-ecs';
import { Policy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { CourantSettings, EnvName } from './settings.js';
import type { CourantStorage } from './storage.js';
import { grantedObjectKeyPatterns, workerPolicyStatements } from './worker-policy.js';

export interface CourantWorkerProps {
  readonly settings: CourantSettings;
  readonly storage: CourantStorage;
}

/** `{account}.dkr.ecr.{region}.amazonaws.com/{repository}[:tag|@digest]` */
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9][a-z0-9._/-]*)(?::([\w.-]{1,128})|@(sha256:[a-f0-9]{64}))?$/;

/** An ECR image through its repository (so the execution role may pull it), any other from its registry. */
function containerImage(scope: Construct, image: string): { image: ContainerImage; ecr: boolean } {
  const [, account, region, name, tag, digest] = ECR_IMAGE.exec(image) ?? [];
  if (!account || !region || !name) return { image: ContainerImage.fromRegistry(image), ecr: false };
  const repository = Repository.fromRepositoryAttributes(scope, 'Repository', {
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:${region}:${account}:repository/${name}`,
  });
  return { image: ContainerImage.fromEcrRepository(repository, tag ?? digest ?? 'latest'), ecr: true };
}

function namedSecret(scope: Construct, id: string, nameOrArn: string): ISecret {
  return nameOrArn.startsWith('arn:')
    ? Secret.fromSecretCompleteArn(scope, id, nameOrArn)
    : Secret.fromSecretNameV2(scope, id, nameOrArn);
}

/** TEMPORAL_API_KEY and the Enedis secrets, as ECS secrets: only the execution role reads them, at task start. */
function containerSecrets(scope: Construct, settings: CourantSettings): Record<string, EcsSecret> {
  const secrets: Record<string, EcsSecret> = {};
  if (settings.temporalApiKeySecret)
    secrets.TEMPORAL_API_KEY = EcsSecret.fromSecretsManager(
      namedSecret(scope, 'TemporalApiKey', settings.temporalApiKeySecret),
    );
  if (settings.enedisSecret) {
    const enedis = namedSecret(scope, 'EnedisSecret', settings.enedisSecret.nameOrArn);
    for (const key of settings.enedisSecret.keys) secrets[key] = EcsSecret.fromSecretsManager(enedis, key);
  }
  return secrets;
}

/** Two AZs: public subnets for the NAT gateway, private ones for the worker; rejected traffic logged. */
function workerVpc(scope: Construct): Vpc {
  const vpc = new Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'worker', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
    // S3 and DynamoDB traffic stays off the NAT gateway (and its per-GB charge).
    gatewayEndpoints: {
      S3: { service: GatewayVpcEndpointAwsService.S3 },
      DynamoDB: { service: GatewayVpcEndpointAwsService.DYNAMODB },
    },
  });
  vpc.addFlowLog('RejectedTraffic', {
    trafficType: FlowLogTrafficType.REJECT,
    destination: FlowLogDestination.toCloudWatchLogs(
      new LogGroup(scope, 'FlowLogs', { retention: RetentionDays.ONE_MONTH }),
    ),
  });
  return vpc;
}

export class CourantWorker extends Construct {
  readonly cluster: Cluster;
  readonly service: FargateService;
  readonly logGroup: LogGroup;
  readonly taskRole: Role;

  constructor(scope: Construct, id: string, { settings, storage }: CourantWorkerProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const vpc = workerVpc(this);

    this.cluster = new Cluster(this, 'Cluster', { vpc, containerInsightsV2: ContainerInsights.ENABLED });
    this.logGroup = new LogGroup(this, 'Logs', { retention: settings.logRetentionDays });

    this.taskRole = new Role(this, 'TaskRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'courant worker: the S3 and DynamoDB actions of deploy/iam-policy.json',
    });
    const policy = new Policy(this, 'StoragePolicy', {
      roles: [this.taskRole],
      statements: workerPolicyStatements({
        bucket: storage.bucket,
        prefix: settings.s3Prefix,
        tables: storage.tables,
      }),
    });
    // cdk-nag names each wildcard resource as `<{bucket's logical ID}.Arn>/{keys}`.
    const cfnBucket = storage.bucket.node.defaultChild;
    if (!(cfnBucket instanceof CfnBucket)) throw new Error('the data bucket has no CfnBucket');
    const bucketArn = `<${stack.getLogicalId(cfnBucket)}.Arn>`;
    for (const keys of grantedObjectKeyPatterns(settings.s3Prefix))
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${keys}]`,
        reason: `Objects under one key prefix courant writes (${keys}): the keys name datasets, days and files, so they cannot be listed in advance; test/storage/iam-policy.test.ts checks each prefix against the code.`,
      });

    const taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryMiB,
      ephemeralStorageGiB: settings.ephemeralStorageGiB,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
      taskRole: this.taskRole,
    });
    const environment = {
      ...settings.environment,
      STORAGE_MODE: 'aws',
      DATABASE_TYPE: 'dynamodb',
      // The stack provisions the bucket and the tables: the worker only checks that they exist.
      CREATE_STORAGE: 'false',
      S3_BUCKET: storage.bucket.bucketName,
      AWS_REGION: stack.region,
    } satisfies Partial<Record<EnvName, string>> & Record<string, string>;
    const { image, ecr } = containerImage(this, settings.image);
    taskDefinition.addContainer('worker', {
      image,
      command: ['worker'],
      environment,
      secrets: containerSecrets(this, settings),
      logging: LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'worker' }),
      // SIGTERM lets the worker finish its activities in flight; Fargate allows at most 120 s.
      stopTimeout: Duration.seconds(120),
    });
    if (ecr)
      Validations.of(taskDefinition.obtainExecutionRole()).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecr:GetAuthorizationToken, which pulling the image needs, has no resource-level permissions; the pull actions themselves are on the one repository.',
      });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds configuration only (addresses, names, prefixes, the bucket and region); the secrets, TEMPORAL_API_KEY and the Enedis AES key and SFTP credentials, come from Secrets Manager.',
    });

    this.service = new FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount: settings.desiredCount,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      // A new task starts before the old one stops: Temporal shares the work between them meanwhile.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });
  }
}
