/**
 * CloudWatch alarms on the worker service, sent to one encrypted SNS topic: CPU and memory near
 * the task's size, fewer tasks running than desired (crash loop, image pull or secret failure), and
 * error log lines (pino levels error and fatal).
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { FargateService } from 'aws-cdk-lib/aws-ecs';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface WorkerAlarmsProps {
  readonly service: FargateService;
  readonly logGroup: ILogGroup;
  readonly email: string | undefined;
}

const PERIOD = Duration.minutes(5);

export class WorkerAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, { service, logGroup, email }: WorkerAlarmsProps) {
    super(scope, id);

    const key = new Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'courant alarm topic encryption',
    });
    // CloudWatch publishes to the encrypted topic: it needs the key (an AWS-managed key would refuse it).
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { masterKey: key, enforceSSL: true, displayName: 'courant worker alarms' });
    if (email) this.topic.addSubscription(new EmailSubscription(email));

    const insights = (metricName: string): Metric =>
      new Metric({
        namespace: 'ECS/ContainerInsights',
        metricName,
        dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName },
        statistic: 'Average',
        period: PERIOD,
      });
    const errorLines = new MetricFilter(this, 'ErrorLines', {
      logGroup,
      filterPattern: FilterPattern.numberValue('$.level', '>=', 50),
      metricNamespace: 'courant',
      metricName: 'WorkerErrorLogLines',
      metricValue: '1',
      defaultValue: 0,
    });

    const alarm = (id: string, description: string, metric: IMetric, threshold: number, missing: TreatMissingData) =>
      new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missing,
      });
    this.alarms = [
      alarm(
        'Cpu',
        'courant worker: CPU above 85% of the task for 15 minutes',
        service.metricCpuUtilization({ period: PERIOD }),
        85,
        TreatMissingData.NOT_BREACHING,
      ),
      alarm(
        'Memory',
        'courant worker: memory above 85% of the task for 15 minutes (DuckDB transforms may be cut off)',
        service.metricMemoryUtilization({ period: PERIOD }),
        85,
        TreatMissingData.NOT_BREACHING,
      ),
      alarm(
        'TasksBelowDesired',
        'courant worker: fewer tasks running than desired for 15 minutes (see the service events and the logs)',
        new MathExpression({
          expression: 'desired - running',
          usingMetrics: { desired: insights('DesiredTaskCount'), running: insights('RunningTaskCount') },
          label: 'tasks missing',
          period: PERIOD,
        }),
        0,
        // No data at all means no one can tell whether the worker runs.
        TreatMissingData.BREACHING,
      ),
      alarm(
        'ErrorLogs',
        'courant worker: error or fatal log lines in 3 consecutive 5-minute periods',
        errorLines.metric({ statistic: 'Sum', period: PERIOD }),
        0,
        TreatMissingData.NOT_BREACHING,
      ),
    ];
    for (const each of this.alarms) each.addAlarmAction(new SnsAction(this.topic));
  }
}
