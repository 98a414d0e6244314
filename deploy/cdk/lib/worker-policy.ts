/**
 * The worker's IAM statements, built from deploy/iam-policy.json: that file is the one source of
 * truth (test/storage/iam-policy.test.ts keeps it in step with the requests the stores send, the
 * key prefixes and the record tables), and its placeholders are replaced here by the stack's ARNs.
 */
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { z } from 'zod';
import { RECORD_TABLES, type RecordTable } from '../../../src/storage/records.js';
import policyJson from '../../iam-policy.json' with { type: 'json' };

const policySchema = z.object({
  Version: z.literal('2012-10-17'),
  Statement: z.array(
    z.object({
      Sid: z.string().regex(/^[A-Za-z0-9]+$/),
      Effect: z.literal('Allow'),
      Action: z.array(z.string()).min(1),
      Resource: z.array(z.string()).min(1),
    }),
  ),
});

export type PolicyDocumentJson = z.infer<typeof policySchema>;

/** deploy/iam-policy.json, checked. */
export const WORKER_POLICY: PolicyDocumentJson = policySchema.parse(policyJson);

/** The placeholders' spelling in the policy files. */
export const PLACEHOLDER = {
  bucket: 'arn:aws:s3:::<S3_BUCKET>',
  objects: 'arn:aws:s3:::<S3_BUCKET>/<S3_PREFIX>/',
  table: 'arn:aws:dynamodb:<AWS_REGION>:<AWS_ACCOUNT_ID>:table/<DYNAMODB_TABLE_PREFIX>',
} as const;

/** What the placeholders stand for in a deployment. */
export interface PolicyTargets {
  readonly bucket: IBucket;
  /** S3_PREFIX as the worker reads it: no slash at either end, empty for the bucket root. */
  readonly prefix: string;
  readonly tables: ReadonlyMap<RecordTable, ITable>;
}

function isRecordTable(name: string): name is RecordTable {
  return (RECORD_TABLES as readonly string[]).includes(name);
}

/** The object key pattern of a resource under `<S3_PREFIX>/`, with the prefix applied. */
export function objectKeyPattern(resource: string, prefix: string): string | undefined {
  if (!resource.startsWith(PLACEHOLDER.objects)) return undefined;
  const rest = resource.slice(PLACEHOLDER.objects.length);
  return prefix === '' ? rest : `${prefix}/${rest}`;
}

/** The ARN a resource of the policy file stands for; an unknown pattern is an error, not a guess. */
function resolveResource(resource: string, targets: PolicyTargets): string {
  if (resource === PLACEHOLDER.bucket) return targets.bucket.bucketArn;
  const keys = objectKeyPattern(resource, targets.prefix);
  if (keys !== undefined) return targets.bucket.arnForObjects(keys);
  if (resource.startsWith(PLACEHOLDER.table)) {
    const name = resource.slice(PLACEHOLDER.table.length);
    const table = isRecordTable(name) ? targets.tables.get(name) : undefined;
    if (table) return table.tableArn;
  }
  throw new Error(`deploy/iam-policy.json: no resource of the stack matches ${resource}`);
}

/** The policy's statements, with the stack's bucket, key prefix and tables in place of the placeholders. */
export function workerPolicyStatements(
  targets: PolicyTargets,
  policy: PolicyDocumentJson = WORKER_POLICY,
): PolicyStatement[] {
  return policy.Statement.map(
    (statement) =>
      new PolicyStatement({
        sid: statement.Sid,
        effect: Effect.ALLOW,
        actions: statement.Action,
        resources: statement.Resource.map((resource) => resolveResource(resource, targets)),
      }),
  );
}

/** The object key patterns the policy grants (each ends with a wildcard), with the prefix applied. */
export function grantedObjectKeyPatterns(prefix: string, policy: PolicyDocumentJson = WORKER_POLICY): string[] {
  const patterns = policy.Statement.flatMap((s) => s.Resource).map((r) => objectKeyPattern(r, prefix));
  return [...new Set(patterns.filter((p): p is string => p !== undefined))];
}
