/**
 * What `courant billing` and `courant perimeter` share: their formats, PRM options, the storage with
 * a billing DuckDB, and saying whom a lease is waited for.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { withBillingScratch, type BillingStorage } from '../../billing/stored-month.js';
import { createStorage } from '../../storage/index.js';
import type { Lease } from '../../storage/records.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';

export const FORMATS = ['table', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];
const PRM = /^\d{14}$/;

export function parseFormat(value: unknown): Format {
  const format = value ?? 'table';
  if (!FORMATS.includes(format as Format))
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  return format as Format;
}

export function parsePrms(value: unknown): string[] {
  const prms = Array.isArray(value) ? value.map(String) : [];
  const bad = prms.find((p) => !PRM.test(p));
  if (bad !== undefined) throw new UsageError(`--prm: a PRM is 14 digits, got ${JSON.stringify(bad)}`);
  return prms;
}

export const repeatable = (value: string, all: string[] = []) => [...all, value];

/** Runs `work` with the storage and billing's scratch folder and DuckDB (`withBillingScratch`), closing all after. */
export async function withBillingDb<T>(
  context: CommandContext,
  work: (tools: { storage: BillingStorage; dir: string; db: DuckDBConnection }) => Promise<T>,
): Promise<T> {
  const storage = await createStorage(context.config);
  try {
    return await withBillingScratch(({ dir, db }) => work({ storage, dir, db }), {
      memoryLimit: context.config.duckdbMemoryLimit,
    });
  } finally {
    await storage.close();
  }
}

/** `say` once for each holder of a lease met, not at every retry of the claim. */
export function onceEach(say: (held: Lease) => void): (held: Lease) => void {
  const told = new Set<string>();
  return (held) => {
    if (!told.has(held.holder)) say(held);
    told.add(held.holder);
  };
}
