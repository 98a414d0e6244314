/** The courant stack: storage (bucket and record tables), the worker on Fargate, and its alarms. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WorkerAlarms } from './alarms.js';
import type { CourantSettings } from './settings.js';
import { CourantStorage } from './storage.js';
import { CourantWorker } from './worker.js';

export interface CourantStackProps extends StackProps {
  readonly settings: CourantSettings;
}

export class CourantStack extends Stack {
  readonly storage: CourantStorage;
  readonly worker: CourantWorker;
  readonly alarms: WorkerAlarms;

  constructor(scope: Construct, id: string, props: CourantStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.storage = new CourantStorage(this, 'Storage', {
      bucketName: settings.bucketName,
      tablePrefix: settings.tablePrefix,
      noncurrentVersionDays: settings.noncurrentVersionDays,
    });
    this.worker = new CourantWorker(this, 'Worker', { settings, storage: this.storage });
    this.alarms = new WorkerAlarms(this, 'Alarms', {
      service: this.worker.service,
      logGroup: this.worker.logGroup,
      email: settings.alarmEmail,
    });

    new CfnOutput(this, 'BucketName', { value: this.storage.bucket.bucketName, description: 'S3_BUCKET' });
    new CfnOutput(this, 'S3Prefix', { value: settings.environment.S3_PREFIX ?? '', description: 'S3_PREFIX' });
    new CfnOutput(this, 'TablePrefix', { value: settings.tablePrefix, description: 'DYNAMODB_TABLE_PREFIX' });
    new CfnOutput(this, 'LogGroupName', { value: this.worker.logGroup.logGroupName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}
