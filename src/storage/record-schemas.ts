/** zod schemas for records read back from a database: what comes out is checked, not trusted. */
import { z } from 'zod';
import { PIPELINE_STAGES, RUN_KINDS } from '../workflow-safe/pipeline.js';
import { CHECK_SEVERITIES } from '../workflow-safe/quality.js';
import { DAY_RUN_STATUSES } from '../workflow-safe/day-records.js';

export const checkResultSchema = z.object({
  name: z.string(),
  severity: z.enum(CHECK_SEVERITIES),
  description: z.string(),
  passed: z.boolean(),
  observed: z.number().nullable(),
  threshold: z.string(),
  rowsInvolved: z.number(),
  sample: z.array(z.record(z.string(), z.unknown())),
  file: z.string(),
  accepted: z.boolean(),
});

export const dayRunSchema = z.object({
  dataset: z.string(),
  date: z.string(),
  status: z.enum(DAY_RUN_STATUSES),
  stage: z.enum(PIPELINE_STAGES),
  attempt: z.number().int(),
  runKind: z.enum(RUN_KINDS),
  workflowId: z.string(),
  runId: z.string(),
  inputs: z.array(z.object({ source: z.string(), key: z.string(), sha256: z.string(), bytes: z.number() })),
  outputs: z.array(z.string()),
  outputFiles: z
    .array(z.object({ key: z.string(), bytes: z.number(), sha256: z.string(), etag: z.string().optional() }))
    .optional(),
  rows: z.object({ read: z.number(), written: z.number(), rejected: z.number() }).nullable(),
  codeVersion: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.object({ type: z.string(), message: z.string() }).nullable(),
  fallback: z.boolean().default(false),
  checks: z.array(checkResultSchema).optional(),
});

export const dayStatusSchema = dayRunSchema.pick({ dataset: true, date: true, status: true }).extend({
  errorType: z
    .string()
    .nullish()
    .transform((type) => type ?? null),
});

/** The fields of a day record its status is made of (its run ID where it was read). */
export const recordStatusSchema = dayRunSchema
  .pick({ dataset: true, date: true, status: true })
  .extend({ runId: z.string().optional(), error: z.object({ type: z.string() }).nullish() });

export const dayRunSummarySchema = dayRunSchema.pick({
  dataset: true,
  date: true,
  status: true,
  runId: true,
  error: true,
});

export const metricsRecordSchema = z.object({
  dataset: z.string(),
  date: z.string(),
  metrics: z.record(z.string(), z.unknown()),
});

export const reportRecordSchema = z.object({
  period: z.string(),
  summary: z.record(z.string(), z.unknown()),
  keys: z.array(z.string()),
});

export const sftpFileRecordSchema = z.object({
  dataset: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  mtime: z.string(),
  fetchedAt: z.string(),
  inboxKey: z.string(),
  sha256: z.string(),
  entering: z.literal(true).optional(),
  batch: z.string().optional(),
  handedAt: z.string().optional(),
});

/** A lease as stored: its key `lease/{name}` in the reports table, its holder and end (epoch ms). */
export const leaseSchema = z.object({ holder: z.string(), until: z.number() });
export const leaseKey = (name: string) => `lease/${name}`;

export const sftpFaultRecordSchema = z.object({
  dataset: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  mtime: z.string(),
  reason: z.string(),
  attempts: z.number().int().positive(),
  firstFailedAt: z.string(),
  lastFailedAt: z.string(),
  nextTryAt: z.string(),
});

/**
 * The partition of `sftp_files` holding a dataset's faults: a dataset name holds no `/`, nor does
 * a remote file's name, so neither a dataset's partition nor a fetched file's key can meet it.
 */
export const sftpFaultPartition = (dataset: string) => `${dataset}/faults`;

/**
 * The partition of `sftp_files` naming, by inbox name (`{content hash}-{cleaned name}`), the
 * server's name of a file whose name is not a storage key as it is; met by no other key, as above.
 */
export const sftpInboxPartition = (dataset: string) => `${dataset}/inbox`;

/** An inbox name and the name on the server it was cleaned from. */
export const sftpInboxNameSchema = z.object({ name: z.string(), server: z.string() });
