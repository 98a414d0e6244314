/**
 * The Enedis module on real DuckDB: the real R151 and C15 samples read value by value (checked by
 * hand against the files), R151 flows written here in the same layout across days, re-delivered
 * files, rejected values, refused files (malformed XML, a document type declaration, an unknown
 * flow) and the two checks comparing a day with the day before.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { enedisChecks } from '../../src/datasets/enedis/checks.js';
import { EVENT_TABLE, INDEX_TABLE, STATED_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { DELIVERY_TABLE } from '../../src/datasets/enedis/delivery-table.js';
import { enedisDrop } from '../../src/datasets/enedis/drop.js';
import { enedisDataset } from '../../src/datasets/enedis/module.js';
import { runChecks } from '../../src/quality/run-checks.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';
import { r151Flow } from '../support/enedis-flows.js';
import { runModuleDay } from '../support/module-day.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const FIXTURES = path.join('test', 'fixtures', 'enedis');
const R151 = path.join(FIXTURES, 'electricore_r151.xml');
const C15 = path.join(FIXTURES, 'electricore_c15_avec_releves.xml');
const config = { jumpKWh: 1000 };
const NOW = new Date('2026-11-22T12:00:00Z');

const scratch = useScratchDuckDb('courant-enedis-');

let written = 0;
async function fileOf(source: string | { body: string | Uint8Array }, order = 0): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `flow-${written}.xml`);
  if (typeof source === 'string') await writeFile(file, await readFile(source));
  else await writeFile(file, source.body);
  return {
    source: 'drop',
    key: `raw/enedis/x/flow-${written}.xml`,
    path: file,
    sha256: await sha256OfFile(file),
    order,
    options: {},
  };
}

async function days(file: DayFile): Promise<readonly string[]> {
  return (
    enedisDrop.days({
      db: scratch.connection,
      path: file.path,
      file: file.key,
      sha256: file.sha256,
      options: {},
      config,
      now: NOW,
    }) ?? []
  );
}

async function runDay(date: string, files: readonly DayFile[]) {
  const day = await runModuleDay(enedisDataset, config, scratch, date, files, { metrics: false });
  const rows = await day.rows(
    INDEX_TABLE,
    `prm, flow, strftime(reading_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS reading_at, class_kind, class,
     calendar, index_kwh::DOUBLE AS index_kwh, nature, flagged, qualification, event, line`,
  );
  return { result: day.transform, rows, table: day.tablePath(INDEX_TABLE), rejects: day.rejects };
}

describe('the real R151 sample', () => {
  it('closes 2024-04-04: each Wh index floored to kWh at 2024-04-05 00:00 Paris, the INCONNU class flagged', async () => {
    const file = await fileOf(R151);
    expect(await days(file)).toEqual(['2024-04-04']);
    const { result, rows, rejects } = await runDay('2024-04-04', [file]);
    expect(result).toEqual({
      tables: [INDEX_TABLE, STATED_TABLE, DELIVERY_TABLE, EVENT_TABLE],
      rows: { read: 5, written: 5, rejected: 0 },
    });
    expect(rejects).toEqual([]);
    const at = '2024-04-04T22:00:00Z';
    const base = {
      prm: '99740456235087',
      flow: 'R151',
      reading_at: at,
      nature: null,
      qualification: null,
      event: null,
    };
    expect(rows).toEqual([
      {
        ...base,
        class_kind: 'distributor',
        class: 'HCB',
        calendar: 'DI000003',
        index_kwh: 15670,
        flagged: false,
        line: 10,
      },
      {
        ...base,
        class_kind: 'distributor',
        class: 'HCH',
        calendar: 'DI000003',
        index_kwh: 6107,
        flagged: false,
        line: 11,
      },
      {
        ...base,
        class_kind: 'distributor',
        class: 'HPB',
        calendar: 'DI000003',
        index_kwh: 12823,
        flagged: false,
        line: 12,
      },
      {
        ...base,
        class_kind: 'distributor',
        class: 'HPH',
        calendar: 'DI000003',
        index_kwh: 5933,
        flagged: false,
        line: 13,
      },
      {
        ...base,
        class_kind: 'supplier',
        class: 'INCONNU',
        calendar: 'FC022034',
        index_kwh: 23270,
        flagged: true,
        line: 14,
      },
    ]);
  });

  it('has nothing for another day', async () => {
    const { result } = await runDay('2024-04-05', [await fileOf(R151)]);
    expect(result.rows).toEqual({ read: 5, written: 0, rejected: 0 });
  });
});

describe('the real C15 sample', () => {
  it('closes 2024-10-03: readings before and after the contract change (00:01 and 00:02) stand for midnight', async () => {
    const file = await fileOf(C15);
    expect(await days(file)).toEqual(['2024-10-03']);
    const { result, rows } = await runDay('2024-10-03', [file]);
    // The supplier BASE index is given before and after the event (same calendar, same class):
    // two readings, one on each side; the event itself is the eighth row (contract_events).
    expect(result.rows).toEqual({ read: 8, written: 8, rejected: 0 });
    const at = '2024-10-03T22:00:00Z';
    const base = { prm: '99660599682036', flow: 'C15', reading_at: at, nature: 'real', event: 'MCT', flagged: false };
    expect(rows.map(({ line: _line, ...row }) => row)).toEqual([
      {
        ...base,
        class_kind: 'distributor',
        calendar: 'DI000001',
        class: 'BASE',
        index_kwh: 2531,
        qualification: 'before',
      },
      {
        ...base,
        class_kind: 'distributor',
        calendar: 'DI000003',
        class: 'HCB',
        index_kwh: 2531,
        qualification: 'after',
      },
      {
        ...base,
        class_kind: 'distributor',
        calendar: 'DI000003',
        class: 'HCH',
        index_kwh: 1065,
        qualification: 'after',
      },
      {
        ...base,
        class_kind: 'distributor',
        calendar: 'DI000003',
        class: 'HPB',
        index_kwh: 3005,
        qualification: 'after',
      },
      {
        ...base,
        class_kind: 'distributor',
        calendar: 'DI000003',
        class: 'HPH',
        index_kwh: 2967,
        qualification: 'after',
      },
      {
        ...base,
        class_kind: 'supplier',
        calendar: 'FC022034',
        class: 'BASE',
        index_kwh: 9569,
        qualification: 'before',
      },
      { ...base, class_kind: 'supplier', calendar: 'FC022034', class: 'BASE', index_kwh: 9569, qualification: 'after' },
    ]);
  });
});

describe('R151 flows across days', () => {
  const prm = '99000000000001';
  const month = (from: number, to: number, order = 0, wh = (d: number) => String(1_000_000 + d * 12_345)) =>
    fileOf(
      {
        body: r151Flow(
          Array.from({ length: to - from + 1 }, (_, i) => ({
            prm,
            date: `2024-01-${String(from + i).padStart(2, '0')}`,
            wh: { HCB: wh(from + i), HPB: wh(from + i) },
          })),
        ),
      },
      order,
    );

  it('gives each day its own readings, and a re-delivered overlapping file duplicates none', async () => {
    const first = await month(1, 10);
    const again = await month(5, 15, 1);
    expect(await days(first)).toHaveLength(10);
    expect(await days(again)).toEqual(
      Array.from({ length: 11 }, (_, i) => `2024-01-${String(5 + i).padStart(2, '0')}`),
    );
    const { rows, result } = await runDay('2024-01-07', [first, again]);
    expect(result.rows).toMatchObject({ written: 2 });
    expect(rows.map((r) => [r.class, r.index_kwh, r.reading_at])).toEqual([
      ['HCB', Math.floor((1_000_000 + 7 * 12_345) / 1000), '2024-01-07T23:00:00Z'],
      ['HPB', Math.floor((1_000_000 + 7 * 12_345) / 1000), '2024-01-07T23:00:00Z'],
    ]);
  });

  it('blocks a day whose index went down, warns on one that jumped, and passes a normal day', async () => {
    const check = async (today: number) => {
      const before = await runDay('2024-01-09', [await month(9, 9)]);
      const day = await runDay('2024-01-10', [await month(10, 10, 0, () => String(today))]);
      return runChecks({
        checks: enedisChecks,
        date: '2024-01-10',
        config,
        db: scratch.connection,
        tables: {
          [INDEX_TABLE]: { path: day.table, key: 'processed/enedis/dt=2024-01-10/index_readings.parquet' },
          [STATED_TABLE]: {
            path: path.join(path.dirname(day.table), `${STATED_TABLE}.parquet`),
            key: 'processed/enedis/dt=2024-01-10/stated_energies.parquet',
          },
        },
        previous: { [INDEX_TABLE]: before.table },
        accept: [],
        rows: day.result.rows,
      });
    };
    const yesterday = 1_000_000 + 9 * 12_345;
    const verdicts = (results: Awaited<ReturnType<typeof check>>) => results.map((r) => [r.name, r.passed, r.observed]);
    expect(verdicts(await check(yesterday + 12_345))).toEqual([
      ['index_decreasing', true, 0],
      ['index_jump', true, 0],
      ['stated_energy', true, null],
    ]);
    const down = await check(yesterday - 5_000);
    expect(verdicts(down)).toEqual([
      ['index_decreasing', false, 2],
      ['index_jump', true, 0],
      ['stated_energy', true, null],
    ]);
    expect(down[0]?.sample[0]).toMatchObject({ prm, index_before: 1111, index_kwh: 1106, rise_kwh: -5 });
    expect(verdicts(await check(yesterday + 2_000_000))).toEqual([
      ['index_decreasing', true, 0],
      ['index_jump', false, 2],
      ['stated_energy', true, null],
    ]);
  });
});

describe('zips of flows', () => {
  it('reads each XML member as a flow named file!member, and leaves out a member that is not XML, as a reject', async () => {
    const r151 = await readFile(R151);
    const zip = await fileOf({
      body: Buffer.from(
        zipSync({ 'R151_0001.xml': new Uint8Array(r151), 'notes.txt': new TextEncoder().encode('not a flow') }),
      ),
    });
    expect(await days(zip)).toEqual(['2024-04-04']);
    const { result, rows, rejects } = await runDay('2024-04-04', [zip]);
    expect(result.rows).toEqual({ read: 6, written: 5, rejected: 1 });
    expect(rows.map((r) => r.index_kwh)).toEqual([15670, 6107, 12823, 5933, 23270]);
    expect(rejects).toEqual([{ file: `${zip.key}!notes.txt`, reason: 'the zip member is not an XML flow: left out' }]);
  });

  it('writes each row’s file as text, the same bytes on a re-run, for a day of a zip’s members and a plain flow', async () => {
    const r151 = await readFile(R151);
    const zip = await fileOf({ body: Buffer.from(zipSync({ 'R151_0001.xml': new Uint8Array(r151) })) }, 0);
    const plain = await fileOf({ body: r151.toString('utf8').replaceAll('99740456235087', '99740456235088') }, 1);
    const first = await runDay('2024-04-04', [zip, plain]);
    const again = await runDay('2024-04-04', [zip, plain]);
    expect(await sha256OfFile(again.table)).toBe(await sha256OfFile(first.table));
    const files = await scratch.connection.runAndReadAll(
      `SELECT typeof(file) AS type, file, count(*) AS n FROM read_parquet('${first.table}') GROUP BY ALL ORDER BY file`,
    );
    expect(files.getRowObjectsJson()).toEqual([
      { type: 'VARCHAR', file: `${zip.key}!R151_0001.xml`, n: '5' },
      { type: 'VARCHAR', file: plain.key, n: '5' },
    ]);
  });

  it('refuses a zip without any XML flow, and names the member of a malformed one', async () => {
    const none = await fileOf({ body: Buffer.from(zipSync({ 'readme.txt': new TextEncoder().encode('x') })) });
    await expect(days(none)).rejects.toThrow(/the zip holds no XML flow \(readme\.txt\)/);
    const broken = await fileOf({
      body: Buffer.from(zipSync({ 'R151.xml': new TextEncoder().encode("<?xml version='1.0'?>\n<R151>\n") })),
    });
    await expect(days(broken)).rejects.toThrow(/!R151\.xml, line \d+.*not well-formed XML/);
  });
});

describe('bad flows', () => {
  it('rejects a value with its line and column: a PRM that is not 14 digits, an index that is not a number', async () => {
    const body = r151Flow([
      { prm: '9900000000001', date: '2024-01-01', wh: { HCB: '1000' } },
      { prm: '99000000000001', date: '2024-01-01', wh: { HCB: 'abc', HPB: '2000' } },
    ]);
    const { result, rejects } = await runDay('2024-01-01', [await fileOf({ body })]);
    expect(result.rows).toEqual({ read: 3, written: 1, rejected: 2 });
    expect(rejects.every((r) => typeof r.file === 'string' && /flow-\d+\.xml$/.test(r.file))).toBe(true);
    expect(rejects.map(({ file: _file, ...r }) => r)).toEqual([
      { line: 7, column: 'Id_PRM', value: '9900000000001', reason: 'the PRM is not 14 digits' },
      { line: 14, column: 'Valeur', value: 'abc', reason: 'the index is not a number' },
    ]);
  });

  it.each([
    [
      'malformed XML',
      `<?xml version='1.0'?>\n<R151>\n<PRM><Id_PRM>1</Id_PRM>\n</R151>\n`,
      /line 4.*not well-formed XML/,
    ],
    [
      'an entity expansion (XML bomb)',
      `<?xml version='1.0'?>\n<!DOCTYPE R151 [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<R151>&b;</R151>\n`,
      /line 2.*a document type declaration is refused/,
    ],
    [
      'an unknown flow',
      `<?xml version='1.0'?>\n<F12><En_Tete_Flux/></F12>\n`,
      /line 2.*"F12" is not an Enedis flow courant reads \(R151, C15, R15\)/,
    ],
    [
      'a flow with no value',
      `<?xml version='1.0'?>\n<R151><En_Tete_Flux/></R151>\n`,
      /the R151 flow holds no index value/,
    ],
  ])('refuses %s, naming the file and where', async (_case, body, message) => {
    const file = await fileOf({ body });
    const error = await days(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toContain(file.key);
    expect((error as Error).message).toMatch(message);
  });
});
