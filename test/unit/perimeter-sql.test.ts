/**
 * The perimeter's SQL aggregates the stored files straight (perimeterSql): on every day it must give
 * the contracts billing computes (contractsSql over eventsSql) in force that day, and the PRMs asked
 * must be those rows of the whole list, and a head of it its first rows.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractsSql, eventsSql, perimeterSql } from '../../src/billing/contracts-sql.js';
import { perimeterHead } from '../../src/billing/perimeter.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { storeFlows } from '../support/billing-store.js';
import { c15Flow } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-perimeter-');

const PRM = { reentry: '10000000000001', snapshotFirst: '10000000000002', superseded: '10000000000003' } as const;
const OTHER = { noEntry: '10000000000004', exitFirst: '10000000000005', snapshotExit: '10000000000006' } as const;

const events = [
  { prm: PRM.reentry, contract: 'C1', at: '2024-01-05T00:00:00+01:00', nature: 'MES' },
  { prm: PRM.reentry, contract: 'C1', at: '2024-03-10T00:00:00+01:00', nature: 'RES' },
  { prm: PRM.reentry, contract: 'C2', at: '2024-03-20T00:00:00+01:00', nature: 'MES' },
  { prm: PRM.snapshotFirst, contract: 'S1', at: '2024-02-01T00:00:00+01:00', nature: 'CFNE' },
  { prm: PRM.superseded, contract: 'S2', at: '2024-02-15T00:00:00+01:00', nature: 'MES' },
  { prm: OTHER.noEntry, contract: 'N1', at: '2024-02-10T00:00:00+01:00', nature: 'MCT' },
  { prm: OTHER.exitFirst, contract: 'E1', at: '2024-01-10T00:00:00+01:00', nature: 'RES' },
  { prm: OTHER.exitFirst, contract: 'E1', at: '2024-02-01T00:00:00+01:00', nature: 'MES' },
  { prm: OTHER.snapshotExit, contract: 'S3', at: '2024-03-05T00:00:00+01:00', nature: 'RES' },
  { prm: OTHER.snapshotExit, contract: null, at: '2024-01-20T00:00:00+01:00', nature: 'MCT' },
];

/** The snapshot's rows: before a C15 entry, after one (superseded), and alone until a C15 exit. */
const SNAPSHOT = [
  [PRM.snapshotFirst, 'S1', '2023-06-01'],
  [PRM.superseded, 'S2', '2024-03-01'],
  [OTHER.snapshotExit, 'S3', '2024-01-15'],
] as const;

async function stored(): Promise<{ eventFiles: string[]; snapshotFiles: string[] }> {
  // The flow delivered twice: its events stored on two days' tables.
  const flow = c15Flow(events);
  const { eventFiles } = await storeFlows(scratch, [flow, `${flow}\n`]);
  const snapshot = path.join(scratch.dir, 'snapshot.parquet');
  const rows = SNAPSHOT.map(
    ([prm, contract, since], line) =>
      `(${sqlString(prm)}, ${sqlString(contract)}, 'BTINFCUST', 6.0::DECIMAL(9, 3), '6.0', DATE '${since}', ${line + 2}::BIGINT)`,
  );
  await scratch.connection.run(
    `COPY (SELECT * FROM (VALUES ${rows.join(', ')}) AS t(prm, contract, fta, kva, kva_text, since, line))
     TO ${sqlString(snapshot)} (FORMAT parquet)`,
  );
  return { eventFiles, snapshotFiles: [snapshot] };
}

const read = async (sql: string) => (await scratch.connection.runAndReadAll(sql)).getRowObjectsJson();

/** Billing's contracts in force on `date`, ordered as the perimeter is. */
function billedContractsSql(files: { eventFiles: string[]; snapshotFiles: string[] }, date: string): string {
  const events = `(${eventsSql(files.eventFiles, `DATE '${date}' + 1`, files.snapshotFiles)})`;
  return `SELECT prm, contract, strftime(since, '%Y-%m-%d') AS since, source FROM (${contractsSql(events)})
    WHERE since <= DATE '${date}' AND (exit_date IS NULL OR DATE '${date}' < exit_date) AND (exit_date IS NULL OR exit_date >= since)
    ORDER BY prm, since, contract`;
}

describe('the perimeter from the stored files', () => {
  it("is billing's contracts in force, on every day around entries, exits and snapshot rows", async () => {
    const files = await stored();
    for (const date of datesInRange('2023-05-31', '2024-04-01')) {
      const perimeter = await read(perimeterSql(files.eventFiles, files.snapshotFiles, date, []));
      expect(perimeter, date).toEqual(await read(billedContractsSql(files, date)));
    }
    expect(await read(perimeterSql(files.eventFiles, files.snapshotFiles, '2024-03-31', []))).toEqual([
      { prm: PRM.reentry, contract: 'C2', since: '2024-03-20', source: 'c15' },
      { prm: PRM.snapshotFirst, contract: 'S1', since: '2023-06-01', source: 'snapshot' },
      { prm: PRM.superseded, contract: 'S2', since: '2024-02-15', source: 'c15' },
      { prm: OTHER.noEntry, contract: 'N1', since: '2024-02-10', source: 'c15' },
    ]);
  });

  it('answers the PRMs asked as the whole list has them', async () => {
    const files = await stored();
    const date = '2024-03-04';
    const all = await read(perimeterSql(files.eventFiles, files.snapshotFiles, date, []));
    expect(all.map((r) => r.prm)).toContain(OTHER.snapshotExit);
    const asked: string[] = [PRM.reentry, OTHER.snapshotExit];
    expect(await read(perimeterSql(files.eventFiles, files.snapshotFiles, date, asked))).toEqual(
      all.filter((r) => typeof r.prm === 'string' && asked.includes(r.prm)),
    );
    // An exit before its entry: never in force. The next day, the snapshot's contract has left.
    expect(all.map((r) => r.prm)).not.toContain(OTHER.exitFirst);
    const after = await read(perimeterSql(files.eventFiles, files.snapshotFiles, '2024-03-05', []));
    expect(after.map((r) => r.prm)).not.toContain(OTHER.snapshotExit);
  });

  it('gives a head of the list as its first rows, however many are asked, on every day', async () => {
    const files = await stored();
    for (const date of ['2023-06-01', '2024-02-15', '2024-03-04', '2024-03-31']) {
      const all = await read(perimeterSql(files.eventFiles, files.snapshotFiles, date, []));
      for (let count = 1; count <= all.length + 1; count += 1)
        expect(await perimeterHead(scratch.connection, files, date, [], count), `${date}, ${count}`).toEqual(
          all.slice(0, count),
        );
    }
    const asked = [OTHER.noEntry, PRM.superseded];
    expect(await perimeterHead(scratch.connection, files, '2024-03-31', asked, 1)).toEqual([
      { prm: PRM.superseded, contract: 'S2', since: '2024-02-15', source: 'c15' },
    ]);
  });
});
