/**
 * courant's aws-mode storage (docs/architecture.md#storage-keys and #records): the bucket of every
 * key, its access-log bucket, and the three record tables, defined exactly as the DynamoDB record
 * store creates them.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tableDefinition } from '../../../src/storage/dynamo-record-store.js';
import { RECORD_TABLES, type RecordTable } from '../../../src/storage/records.js';

export interface CourantStorageProps {
  readonly bucketName: string | undefined;
  readonly tablePrefix: string;
  readonly noncurrentVersionDays: number;
}

/** A key attribute of the store's CreateTable input as a CDK attribute. */
function keyAttribute(
  definition: ReturnType<typeof tableDefinition>,
  keyType: 'HASH' | 'RANGE',
): Attribute | undefined {
  const name = definition.KeySchema?.find((key) => key.KeyType === keyType)?.AttributeName;
  if (name === undefined) return undefined;
  const type = definition.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
  if (type !== 'S') throw new Error(`${definition.TableName}: key ${name} is of type ${type}, the stack knows S only`);
  return { name, type: AttributeType.STRING };
}

export class CourantStorage extends Construct {
  readonly bucket: Bucket;
  /** The record tables, in RECORD_TABLES order. */
  readonly tables: ReadonlyMap<RecordTable, Table>;

  constructor(scope: Construct, id: string, props: CourantStorageProps) {
    super(scope, id);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the destination of the data bucket access logs; logging it would log the log writes.',
    });

    this.bucket = new Bucket(this, 'Data', {
      bucketName: props.bucketName,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data/',
      lifecycleRules: [
        // Parts of an upload cut off by a crash stay invisible and billed until aborted.
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // A re-run day overwrites its objects: keep the versions it replaced for a while, not forever.
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.tables = new Map(RECORD_TABLES.map((name) => [name, this.table(name, props.tablePrefix)]));
  }

  /** One record table, as `tableDefinition` (what CREATE_STORAGE=true would create) describes it. */
  private table(name: RecordTable, tablePrefix: string): Table {
    const definition = tableDefinition(tablePrefix, name);
    const partitionKey = keyAttribute(definition, 'HASH');
    if (!partitionKey) throw new Error(`${definition.TableName}: no partition key`);
    if (definition.BillingMode !== 'PAY_PER_REQUEST') throw new Error(`${definition.TableName}: not on-demand`);
    return new Table(this, name, {
      tableName: definition.TableName,
      partitionKey,
      sortKey: keyAttribute(definition, 'RANGE'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.DEFAULT,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
