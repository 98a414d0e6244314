/**
 * deploy/cdk, synthesized offline once with cdk.json's context: the bucket and the record tables
 * as the code expects them, a worker whose environment loads into an aws-mode Config, a task role
 * that holds exactly deploy/iam-policy.json, the API key as an ECS secret, log retention and
 * alarms; then cdk-nag's AwsSolutions checks and cfn-lint on the template.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CfnElement, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourantApp, type CourantApp } from '../../deploy/cdk/lib/app.js';
import { readSettings, SettingsError } from '../../deploy/cdk/lib/settings.js';
import { loadConfig } from '../../src/config/load.js';
import { fullEnvSchema } from '../../src/config/schema.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { TABLE_KEYS } from '../../src/storage/dynamo-record-store.js';
import { RECORD_TABLES } from '../../src/storage/records.js';

const run = promisify(execFile);

const SECRET_NAME = 'courant/temporal-api-key';
const ENEDIS_SECRET = 'courant/enedis';
const ENEDIS_KNOWN_HOSTS =
  'sftp.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const S3_PREFIX = 'pipelines/courant';
const TABLE_PREFIX = 'prod_';
const IMAGE = '123456789012.dkr.ecr.eu-west-3.amazonaws.com/courant:1.4.0';

/** What an operator passes with `-c`, on top of cdk.json. */
const CONTEXT = {
  image: IMAGE,
  temporalApiKeySecret: SECRET_NAME,
  alarmEmail: 'ops@example.com',
  logRetentionDays: '90',
  TEMPORAL_ADDRESS: 'courant.a1b2c.tmprl.cloud:7233',
  TEMPORAL_NAMESPACE: 'courant.a1b2c',
  S3_PREFIX,
  DYNAMODB_TABLE_PREFIX: TABLE_PREFIX,
  LOG_LEVEL: 'debug',
  ECO2MIX_BASE_URL: 'https://odre.opendatasoft.com',
  enedisSecret: ENEDIS_SECRET,
  ENEDIS_SFTP_HOST: 'sftp.example.com',
  ENEDIS_SFTP_USER: 'supplier',
  ENEDIS_SFTP_KNOWN_HOSTS: ENEDIS_KNOWN_HOSTS,
};

interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}
interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}
interface PolicyJson {
  readonly Statement: PolicyStatementJson[];
}

let courant: CourantApp;
let template: Template;
let resources: Record<string, CfnResource>;
/** Where the apps synthesize (CDK's own default is a new temporary folder each time, left behind). */
let outdir: string;

beforeAll(async () => {
  outdir = await mkdtemp(path.join(os.tmpdir(), 'courant-cdk-out-'));
  process.env.CDK_OUTDIR = outdir;
  const cdkJson = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'deploy/cdk/cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  // CDK's built-in CloudFormation validation (seconds of WASM) is left to `cdk synth`: cfn-lint covers it here.
  process.env.CDK_VALIDATION = 'false';
  courant = createCourantApp({ ...cdkJson.context, ...CONTEXT });
  template = Template.fromStack(courant.stack);
  resources = (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;
});

afterAll(async () => {
  delete process.env.CDK_OUTDIR;
  await rm(outdir, { recursive: true, force: true });
});

function logicalId(construct: IConstruct): string {
  const child = construct.node.defaultChild;
  if (!(child instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return courant.stack.getLogicalId(child);
}

function resource(id: string): CfnResource {
  const found = resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
}

function ofType(type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/**
 * A template value as text: Fn::Join concatenated, references through `ref`, GetAtt Arn of the
 * bucket and tables written as in deploy/iam-policy.json (placeholders for what CloudFormation picks).
 */
function render(value: unknown, ref: (id: string) => string): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') return ref(node.Ref);
  const join = node['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map((part) => render(part, ref)).join(join[0]);
  const getAtt = node['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt?.[1] === 'Arn') {
    const target = resource(getAtt[0]);
    if (target.Type === 'AWS::S3::Bucket') return 'arn:aws:s3:::<S3_BUCKET>';
    if (target.Type === 'AWS::DynamoDB::Table')
      return `arn:aws:dynamodb:<AWS_REGION>:<AWS_ACCOUNT_ID>:table/${String(target.Properties.TableName)}`;
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function workerContainer() {
  const [[, task] = []] = ofType('AWS::ECS::TaskDefinition');
  const [container] = (task?.Properties.ContainerDefinitions ?? []) as {
    Environment: { Name: string; Value: unknown }[];
    Secrets: { Name: string; ValueFrom: unknown }[];
    LogConfiguration: { LogDriver: string; Options: Record<string, unknown> };
  }[];
  if (!task || !container) throw new Error('no worker task definition');
  return { task, container };
}

describe('the context', () => {
  it('names every problem at once', () => {
    const read = () => readSettings({ S3_PREFIX: '../x', FOO_BAR: '1', S3_BUCKET: 'x', cpu: '300', TEMPORAL_TLS: '' });
    expect(read).toThrow(SettingsError);
    const problems = (() => {
      try {
        read();
        return [];
      } catch (error) {
        return (error as SettingsError).problems.map((p) => p.split(':')[0]);
      }
    })();
    expect(new Set(problems)).toEqual(
      new Set(['image', 'cpu', 'S3_PREFIX', 'FOO_BAR', 'S3_BUCKET', 'TEMPORAL_ADDRESS']),
    );
  });

  it('refuses an Enedis secret in context, and an SFTP server without the secret holding its credentials', () => {
    const read = () =>
      readSettings({
        image: IMAGE,
        TEMPORAL_ADDRESS: CONTEXT.TEMPORAL_ADDRESS,
        ENEDIS_AES_KEY: '00'.repeat(16),
        ENEDIS_SFTP_HOST: 'sftp.example.com',
      });
    expect(read).toThrow(SettingsError);
    expect(() => {
      try {
        read();
      } catch (error) {
        throw new Error((error as SettingsError).problems.join('\n'));
      }
    }).toThrow(
      /ENEDIS_AES_KEY: a secret: put it in the secret enedisSecret names, never in context\nENEDIS_SFTP_HOST: needs enedisSecret/,
    );
  });

  it('passes the bucket root to the worker as `/` and the schema default table prefix explicitly', () => {
    const settings = readSettings({ image: IMAGE, TEMPORAL_ADDRESS: CONTEXT.TEMPORAL_ADDRESS, S3_PREFIX: '/' });
    expect(settings.s3Prefix).toBe('');
    const config = loadConfig(
      {
        ...settings.environment,
        STORAGE_MODE: 'aws',
        S3_BUCKET: 'courant-data',
        AWS_REGION: 'eu-west-3',
      },
      DATASET_MODULES,
    );
    expect(config.storage.s3?.prefix).toBe('');
    expect(settings.environment.DYNAMODB_TABLE_PREFIX).toBe(config.storage.dynamodb?.tablePrefix);
  });
});

describe('the data bucket', () => {
  it('is encrypted, private, versioned, TLS-only, and aborts incomplete multipart uploads', () => {
    const id = logicalId(courant.stack.storage.bucket);
    expect(resource(id).DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'data/' }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('the record tables', () => {
  it('are the tables and keys of the DynamoDB record store, on demand, with point-in-time recovery', () => {
    const tables = ofType('AWS::DynamoDB::Table').map(([, table]) => table);
    expect(tables.map((t) => t.Properties.TableName).sort()).toEqual(RECORD_TABLES.map((t) => `${TABLE_PREFIX}${t}`));
    for (const name of RECORD_TABLES) {
      const keys = TABLE_KEYS[name];
      const table = tables.find((t) => t.Properties.TableName === `${TABLE_PREFIX}${name}`);
      expect(table?.DeletionPolicy).toBe('Retain');
      expect(table?.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
      expect(table?.Properties.KeySchema).toEqual(
        keys.map((key, i) => ({ AttributeName: key, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      );
      expect(table?.Properties.AttributeDefinitions).toEqual(
        keys.map((key) => ({ AttributeName: key, AttributeType: 'S' })),
      );
    }
  });
});

describe('the worker', () => {
  it("has an environment the worker's own configuration loads in aws mode, against this stack's storage", () => {
    const bucketId = logicalId(courant.stack.storage.bucket);
    const ref = (id: string) => {
      if (id === 'AWS::Region') return 'eu-west-3';
      if (id === bucketId) return 'courant-data-example';
      throw new Error(`unexpected reference to ${id}`);
    };
    const { container } = workerContainer();
    const env = Object.fromEntries(container.Environment.map(({ Name, Value }) => [Name, render(Value, ref)]));
    const known = Object.keys(fullEnvSchema(DATASET_MODULES).shape);
    for (const name of Object.keys(env)) expect(known, `${name} is not a configuration variable`).toContain(name);
    expect(env).not.toHaveProperty('TEMPORAL_API_KEY');

    const secrets = {
      TEMPORAL_API_KEY: 'from-secrets-manager',
      ENEDIS_AES_KEY: '00'.repeat(16),
      ENEDIS_AES_IV: '11'.repeat(16),
      ENEDIS_SFTP_PRIVATE_KEY: 'from-secrets-manager',
    };
    const config = loadConfig({ ...env, ...secrets }, DATASET_MODULES);
    expect(config.sftp.enedis).toMatchObject({ host: 'sftp.example.com', user: 'supplier' });
    expect(config.storage).toMatchObject({
      mode: 'aws',
      databaseType: 'dynamodb',
      createMissing: false,
      s3: { bucket: 'courant-data-example', prefix: S3_PREFIX, region: 'eu-west-3', endpoint: undefined },
      dynamodb: { tablePrefix: TABLE_PREFIX, region: 'eu-west-3', endpoint: undefined },
    });
    expect(config.temporal).toMatchObject({
      address: CONTEXT.TEMPORAL_ADDRESS,
      namespace: CONTEXT.TEMPORAL_NAMESPACE,
      apiKey: 'from-secrets-manager',
    });
    expect(config.logLevel).toBe('debug');
  });

  it('reads TEMPORAL_API_KEY and the Enedis secrets from Secrets Manager as ECS secrets, which only the execution role may read', () => {
    const { task, container } = workerContainer();
    expect(container.Secrets.map((s) => s.Name)).toEqual([
      'TEMPORAL_API_KEY',
      'ENEDIS_AES_KEY',
      'ENEDIS_AES_IV',
      'ENEDIS_SFTP_PRIVATE_KEY',
    ]);
    const [apiKey, ...enedis] = container.Secrets.map((secret) => render(secret.ValueFrom, (id) => `<${id}>`));
    const arn = 'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:';
    expect(apiKey).toBe(`${arn}${SECRET_NAME}`);
    expect(enedis).toEqual(
      ['ENEDIS_AES_KEY', 'ENEDIS_AES_IV', 'ENEDIS_SFTP_PRIVATE_KEY'].map((key) => `${arn}${ENEDIS_SECRET}:${key}::`),
    );

    const executionRole = (task.Properties.ExecutionRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const readers = ofType('AWS::IAM::Policy').filter(([, policy]) =>
      (policy.Properties.PolicyDocument as PolicyJson).Statement.some((s) =>
        asArray(s.Action).includes('secretsmanager:GetSecretValue'),
      ),
    );
    expect(readers.flatMap(([, policy]) => policy.Properties.Roles)).toEqual([{ Ref: executionRole }]);
  });

  it("task role holds exactly deploy/iam-policy.json's statements, with this stack's bucket, prefix and tables", async () => {
    const file = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'deploy/iam-policy.json'), 'utf8')) as PolicyJson;
    // Order within a statement means nothing to IAM (and CDK sorts it): compare sorted.
    const expected = file.Statement.map((s) => ({
      Sid: s.Sid,
      Effect: s.Effect,
      Action: asArray(s.Action).sort(),
      Resource: asArray(s.Resource)
        .map((r) => String(r).replace('<S3_PREFIX>', S3_PREFIX).replace('<DYNAMODB_TABLE_PREFIX>', TABLE_PREFIX))
        .sort(),
    }));

    const taskRole = logicalId(courant.stack.worker.taskRole);
    const { task } = workerContainer();
    expect(task.Properties.TaskRoleArn).toEqual({ 'Fn::GetAtt': [taskRole, 'Arn'] });
    expect(resource(taskRole).Properties.ManagedPolicyArns).toBeUndefined();
    const policies = ofType('AWS::IAM::Policy').filter(([, p]) =>
      (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: taskRole })),
    );
    expect(policies).toHaveLength(1);
    const [[, policy] = []] = policies;
    const actual = (policy!.Properties.PolicyDocument as PolicyJson).Statement.map((s) => ({
      Sid: s.Sid,
      Effect: s.Effect,
      Action: asArray(s.Action).sort(),
      Resource: asArray(s.Resource)
        .map((r) => render(r, (id) => `<${id}>`))
        .sort(),
    }));
    expect(actual).toEqual(expected);
  });

  it('logs to a log group kept for the configured days', () => {
    const logGroup = logicalId(courant.stack.worker.logGroup);
    expect(resource(logGroup).Properties.RetentionInDays).toBe(90);
    const { container } = workerContainer();
    expect(container.LogConfiguration).toMatchObject({
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': { Ref: logGroup } },
    });
    for (const [, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('runs on Fargate in private subnets, with Container Insights and a rollback on failed deployments', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    const { container } = workerContainer();
    expect(render((container as unknown as { Image: unknown }).Image, (id) => `<${id}>`)).toBe(
      IMAGE.replace('eu-west-3.amazonaws.com', 'eu-west-3.<AWS::URLSuffix>'),
    );
  });
});

describe('the alarms', () => {
  it('watch CPU, memory, running tasks and error logs, and notify the encrypted topic', () => {
    const topic = logicalId(courant.stack.alarms.topic);
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);

    const metricNames = alarms.flatMap((a) =>
      a.MetricName !== undefined
        ? [a.MetricName]
        : (a.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[]).flatMap((m) =>
            m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
          ),
    );
    expect(metricNames.sort()).toEqual(
      ['CPUUtilization', 'DesiredTaskCount', 'MemoryUtilization', 'RunningTaskCount', 'WorkerErrorLogLines'].sort(),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'desired - running' })]),
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.level >= 50 }' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: CONTEXT.alarmEmail });
  });
});

describe('checks', () => {
  it('passes cdk-nag AwsSolutions, each acknowledged finding with its reason', () => {
    const report = new AwsSolutionsChecks(courant.app).validateScope(courant.app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources[0]?.constructPath}`)).toEqual([]);

    const acknowledged = courant.app.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => id.includes('AwsSolutions-'));
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(60);
    const rules = new Set(acknowledged.map(([id]) => /AwsSolutions-[A-Z]+\d+/.exec(id)?.[0]));
    expect([...rules].sort()).toEqual(['AwsSolutions-ECS2', 'AwsSolutions-IAM5', 'AwsSolutions-S1']);
  });

  it('passes cfn-lint', async () => {
    const cfnLint = process.env.CFN_LINT_PATH ?? path.join(PROJECT_ROOT, '.tools', 'cfn-lint', 'bin', 'cfn-lint');
    try {
      accessSync(cfnLint, constants.X_OK);
    } catch {
      throw new Error(`cfn-lint is not installed at ${cfnLint}: run \`bash scripts/install-tools.sh\``);
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-cfn-'));
    try {
      const file = path.join(dir, 'courant.template.json');
      await writeFile(file, JSON.stringify(template.toJSON(), null, 1));
      // cfn-lint exits non-zero when it finds anything: its findings are on stdout either way.
      const { stdout } = await run(cfnLint, [
        '--format',
        'json',
        '--regions',
        'eu-west-3',
        'us-east-1',
        '--',
        file,
      ]).catch((error: unknown) => {
        const stdout =
          error instanceof Error && 'stdout' in error && typeof error.stdout === 'string' ? error.stdout : '';
        if (stdout === '') throw new Error(`${cfnLint} failed without printing its findings`, { cause: error });
        return { stdout };
      });
      const findings = JSON.parse(stdout) as CfnLintFinding[];
      // CDK writes its custom-resource providers with a DependsOn that a GetAtt already implies.
      const own = findings.filter((f) => !(f.Rule.Id === 'W3005' && String(f.Location.Path[1]).startsWith('Custom')));
      expect(own.map((f) => `${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

interface CfnLintFinding {
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] };
  readonly Message: string;
}
