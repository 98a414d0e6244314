/**
 * An Enedis day of hundreds of numbered deliveries, each with a rejected value, as a backlog's day
 * gives them: the day's statements run in the dataset's DuckDB turn (its memory limit) and must
 * fit it whatever the number of files.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { DELIVERY_TABLE } from '../../src/datasets/enedis/delivery-table.js';
import { enedisDataset } from '../../src/datasets/enedis/module.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { r151Flow } from '../support/enedis-flows.js';
import { runModuleDay } from '../support/module-day.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const DATE = '2024-01-01';
/** More files than a day of a thousand-delivery backlog spread over six days. */
const FILES = 300;

const scratch = useScratchDuckDb('courant-enedis-many-');

const prmOf = (n: number) => String(10_000_000_000_000 + n);
const nameOf = (n: number) =>
  `ENEDIS_R151_17X100A100A0001A_GRD-F121_0123456789_${String(n).padStart(5, '0')}_Q_00001_00001_20240102030000.zip`;

/** Delivery `n`: one reading of its own PRM, and one of a PRM that is not 14 digits. */
async function delivery(n: number): Promise<DayFile> {
  const file = path.join(scratch.dir, `r151-${n}.xml`);
  await writeFile(
    file,
    r151Flow([
      { prm: prmOf(n), date: DATE, wh: { BASE: 1_000_000 + n } },
      { prm: `bad${n}`, date: DATE, wh: { BASE: 1 } },
    ]),
  );
  return {
    source: 'drop',
    key: `raw/enedis/drops/r151-${n}.xml`,
    path: file,
    sha256: await sha256OfFile(file),
    order: n,
    options: { fileName: nameOf(n) },
  };
}

describe('an Enedis day of hundreds of deliveries', () => {
  it('keeps every reading, rejects each bad one and numbers each delivery, within the turn', async () => {
    const files = await Promise.all(Array.from({ length: FILES }, (_, n) => delivery(n)));

    const day = await runModuleDay(enedisDataset, { jumpKWh: 1000 }, scratch, DATE, files, { metrics: false });

    expect(day.transform.rows).toEqual({ read: 2 * FILES, written: FILES, rejected: FILES });
    const readings = await day.rows(INDEX_TABLE, 'prm, index_kwh::INTEGER AS index_kwh, file');
    expect(readings).toHaveLength(FILES);
    expect(readings[FILES - 1]).toEqual({
      prm: prmOf(FILES - 1),
      index_kwh: 1000,
      file: `raw/enedis/drops/r151-${FILES - 1}.xml`,
    });
    // In order of arrival.
    expect(day.rejects.map((r) => r.file)).toEqual(files.map((f) => f.key));
    expect(day.rejects[0]).toMatchObject({ column: 'Id_PRM', value: 'bad0', reason: 'the PRM is not 14 digits' });
    const numbers = await day.rows(DELIVERY_TABLE, 'number, name');
    expect(numbers.map((d) => d.number)).toEqual(Array.from({ length: FILES }, (_, n) => n));
  });
});
