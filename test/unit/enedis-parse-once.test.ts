/**
 * A flow file is parsed once: claiming it keeps its parsed values by the hash of its bytes, and
 * each of its days reads them instead of the XML; the day's numbered deliveries are recorded and
 * the metrics name the numbers missing before them.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DayFile } from '../../src/datasets/inputs.js';
import { DELIVERY_TABLE } from '../../src/datasets/enedis/delivery-table.js';
import { transformEnedisFiles } from '../../src/datasets/enedis/day-transform.js';
import { enedisMetrics } from '../../src/datasets/enedis/day-metrics.js';
import { enedisDrop } from '../../src/datasets/enedis/drop.js';
import { parsedFile, SEGMENT_LINES } from '../../src/datasets/enedis/parsed-files.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { r151Days, r151Flow } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const config = { jumpKWh: 1000 };
const scratch = useScratchDuckDb('courant-enedis-once-');
const DATES = ['2024-05-01', '2024-05-02', '2024-05-03'];

let written = 0;
async function dayFile(body: string, options: Record<string, string> = {}): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `flow-${written}.xml`);
  await writeFile(file, body);
  const sha256 = await sha256OfFile(file);
  return { source: 'drop', key: `raw/enedis/x/drop-${written}.xml`, path: file, sha256, order: 0, options };
}

async function transform(date: string, files: readonly DayFile[]) {
  const out = await mkdtemp(path.join(scratch.dir, 'day-'));
  const tables = (table: string) => path.join(out, `${table}.parquet`);
  const result = await transformEnedisFiles({
    date,
    config,
    db: scratch.connection,
    files,
    tablePath: tables,
    rejectsPath: path.join(out, 'rejects.jsonl'),
    scratchDir: out,
  });
  return { result, tables };
}

describe('a flow file of many days', () => {
  it('is parsed at its claim: its days read the kept values, not the XML', async () => {
    // A PRM prefix of its own: bytes no other test writes.
    const flow = r151Flow(r151Days(`99${String(Date.now()).slice(-12)}`, DATES, { HPH: 1_000_000 }, { HPH: 5_000 }));
    const file = await dayFile(flow);
    const days = await enedisDrop.days({
      db: scratch.connection,
      path: file.path,
      file: file.key,
      sha256: file.sha256,
      options: {},
      config,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(days).toEqual(DATES);
    // The same bytes as far as the day knows (its sha256), but no longer readable XML.
    await writeFile(file.path, 'not XML any more');
    for (const [i, date] of DATES.entries()) {
      const { result, tables } = await transform(date, [file]);
      expect(result.rows).toEqual({ read: 3, written: 1, rejected: 0 });
      const [[index]] = (
        await scratch.connection.runAndReadAll(
          `SELECT index_kwh::INTEGER FROM read_parquet('${tables('index_readings')}')`,
        )
      ).getRows() as [[number]];
      expect(index).toBe(1_000 + 5 * i);
    }
  });

  it('is kept in segments when it is large, each day reading its rows from all of them', async () => {
    // Two days of 66 000 PRMs with two classes each: 264 000 values, more than a segment.
    const prms = 66_000;
    const readings = Array.from({ length: prms * 2 }, (_, i) => ({
      prm: String(98000000000000 + Math.floor(i / 2)),
      date: DATES[i % 2] ?? '',
      wh: { HCB: String(1_000_000 + (i % 2) * 7_000), HPB: String(2_000_000 + (i % 2) * 3_000) },
    }));
    expect(readings.length * 2).toBeGreaterThan(SEGMENT_LINES);
    const file = await dayFile(r151Flow(readings));
    const parsed = await parsedFile(file.path, file.key, file.sha256);
    expect(parsed.manifest).toMatchObject({ days: DATES.slice(0, 2), rejected: 0, stated: 0 });
    const [[segments]] = (
      await scratch.connection.runAndReadAll(
        `SELECT count(DISTINCT filename)::INTEGER FROM read_parquet('${parsed.rows}', filename = true)`,
      )
    ).getRows() as [[number]];
    expect(segments).toBe(2);
    for (const [i, date] of DATES.slice(0, 2).entries()) {
      const { result, tables } = await transform(date, [file]);
      expect(result.rows).toEqual({ read: prms * 4, written: prms * 2, rejected: 0 });
      const [[count, sum]] = (
        await scratch.connection.runAndReadAll(
          `SELECT count(DISTINCT prm)::INTEGER, sum(index_kwh)::BIGINT FROM read_parquet('${tables('index_readings')}')`,
        )
      ).getRows() as [[number, bigint]];
      expect(count).toBe(prms);
      expect(sum).toBe(BigInt(prms * (1_000 + 2_000 + i * 10)));
    }
  });

  it('names its rejected values on each of its days, and a clean file on none', async () => {
    const readings = r151Days('99000000000555', DATES, { HPH: 1_000_000, HCH: 2_000_000 }, { HPH: 5_000 });
    const bad = await dayFile(r151Flow(readings).replace('<Valeur>1005000</Valeur>', '<Valeur>1O05000</Valeur>'));
    const clean = await dayFile(r151Flow(r151Days('99000000000556', DATES, { HPH: 1_000_000 }, { HPH: 5_000 })));
    expect((await parsedFile(bad.path, bad.key, bad.sha256)).manifest).toMatchObject({ rejected: 1, stated: 0 });
    expect((await parsedFile(clean.path, clean.key, clean.sha256)).manifest).toMatchObject({ rejected: 0, stated: 0 });
    for (const date of DATES) {
      expect((await transform(date, [bad])).result.rows).toEqual({
        read: 6,
        written: date === DATES[1] ? 1 : 2,
        rejected: 1,
      });
      expect((await transform(date, [clean])).result.rows).toEqual({ read: 3, written: 1, rejected: 0 });
    }
  });

  it('is parsed by its day when no claim kept it, and bytes that differ are parsed again', async () => {
    const file = await dayFile(r151Flow(r151Days('99000000000777', DATES, { BASE: 2_000_000 }, { BASE: 1_000 })));
    expect((await transform(DATES[1] ?? '', [file])).result.rows).toMatchObject({ read: 3, written: 1 });
    await writeFile(file.path, 'not XML');
    const changed = { ...file, sha256: await sha256OfFile(file.path) };
    await expect(transform(DATES[1] ?? '', [changed])).rejects.toThrow(/not well-formed XML/);
  });
});

describe('numbered deliveries', () => {
  const name = (n: number) =>
    `ERDF_R151_17X000001117366M_GRD-F139_108529521_0000${n}_Q_00001_00001_2024050${n}030000.zip`;

  it('records the day’s numbered files and names the numbers missing before them', async () => {
    const first = await dayFile(r151Flow(r151Days('99000000000888', ['2024-05-01'], { BASE: 1_000 }, {})), {
      fileName: name(1),
    });
    const day1 = await transform('2024-05-01', [first]);
    expect(day1.result.tables).toContain(DELIVERY_TABLE);
    const third = await dayFile(r151Flow(r151Days('99000000000888', ['2024-05-03'], { BASE: 3_000 }, {})), {
      fileName: name(3),
    });
    const unnumbered = await dayFile(r151Flow(r151Days('99000000000889', ['2024-05-03'], { BASE: 3_000 }, {})));
    const day3 = await transform('2024-05-03', [third, { ...unnumbered, order: 1 }]);
    const metrics = await enedisMetrics({
      date: '2024-05-03',
      config,
      db: scratch.connection,
      tables: { index_readings: day3.tables('index_readings'), [DELIVERY_TABLE]: day3.tables(DELIVERY_TABLE) },
      history: (table) => Promise.resolve(table === DELIVERY_TABLE ? [day1.tables(DELIVERY_TABLE)] : []),
      anomaliesPath: path.join(scratch.dir, 'anomalies.parquet'),
    });
    expect(metrics.document.deliveries).toEqual([
      { name: name(3), series: 'R151 108529521', number: 3, part: 1, parts: 1, stamp: '20240503030000' },
    ]);
    expect(metrics.document.missedDeliveries).toEqual([
      {
        series: 'R151 108529521',
        from: 2,
        to: 2,
        part: null,
        parts: null,
        after: 1,
        before: 3,
        noticed: '2024-05-03',
      },
    ]);
  });
});
