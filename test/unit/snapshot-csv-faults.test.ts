/**
 * A go-live snapshot CSV at fault, on real DuckDB: each fault refused naming its line and column
 * (the BadDataError's location and its message), whatever the line — after blank lines, in a CRLF
 * file — and nothing written. The header's faults on line 1; a kVA billing would refuse and a
 * control character in a reference refused by name; more than 20 faults counted.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRates } from '../../src/billing/rates.js';
import { mergeSnapshot } from '../../src/billing/snapshot.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-snapshot-faults-');
const rates = loadRates();
const HEADER = 'prm,contract,fta,kva,since\n';
const GOOD = '99660599682036,C1,BTINFCU4,6,2019-04-02\n';
const PRM = '99660599682037';

let files = 0;
/** Imports `body` as a snapshot CSV with no snapshot stored: its outcome, and whether it wrote the target. */
async function importing(body: string | Buffer): Promise<{ outcome: unknown; written: boolean }> {
  files += 1;
  const file = path.join(scratch.dir, `portfolio-${files}.csv`);
  const target = path.join(scratch.dir, `snapshot-${files}.parquet`);
  await writeFile(file, body);
  const outcome: unknown = await mergeSnapshot(scratch.connection, rates, {
    file,
    name: 'portfolio.csv',
    stored: null,
    target,
  }).catch((error: unknown) => error);
  return { outcome, written: existsSync(target) };
}

/** The refusal of `body`: a BadDataError, nothing written. */
async function refusal(body: string | Buffer): Promise<BadDataError> {
  const { outcome, written } = await importing(body);
  expect(outcome).toBeInstanceOf(BadDataError);
  expect(written).toBe(false);
  return outcome as BadDataError;
}

describe('a snapshot CSV that does not read as one contract a line', () => {
  it.each([
    [
      'bytes that are not UTF-8 on line 2',
      Buffer.concat([
        Buffer.from(`${HEADER}${PRM},C`),
        Buffer.from([0xe9, 0x74, 0xe9]),
        Buffer.from(',BTINFCU4,6,2020-01-01\n'),
      ]),
      2,
      'contract',
      /bytes that are not UTF-8/,
    ],
    ['a short row on line 2', `${HEADER}${PRM},C2,BTINFCU4,6\n${GOOD}`, 2, 'since', /the line ends before this column/],
    [
      'a row with a field too many',
      `${HEADER}${GOOD}${PRM},C2,BTINFCU4,6,2020-01-01,x\n`,
      3,
      '6',
      /more fields than the header's 5/,
    ],
    [
      'a quote left open on line 2',
      `${HEADER}${PRM},"C2,BTINFCU4,6,2020-01-01\n${GOOD}`,
      2,
      'contract',
      /a quote that does not end its field/,
    ],
    [
      'text after a closing quote',
      `${HEADER}${GOOD}${PRM},"C2"x,BTINFCU4,6,2020-01-01\n`,
      3,
      'contract',
      /a quote that does not end/,
    ],
  ])('refuses %s, naming its line and column', async (_case, body, line, column, problem) => {
    const error = await refusal(body);
    expect(error.location).toEqual({ file: 'portfolio.csv', line, column });
    expect(error.message).toMatch(
      new RegExp(
        `^portfolio.csv, line ${line}, column ${column}: 1 fault\\(s\\), nothing imported: line ${line}, column ${column}: `,
      ),
    );
    expect(error.message).toMatch(problem);
  });

  it('names a column the header leaves unnamed by its place', async () => {
    const error = await refusal(`prm,contract,fta,kva,since,\n${PRM},C2,BTINFCU4,6,2020-01-01\n`);
    expect(error.location).toEqual({ file: 'portfolio.csv', line: 2, column: '6' });
    expect(error.message).toContain('line 2, column 6: the line ends before this column: the header names 6');
  });

  it('names the line of a fault after blank lines, and in a file with CRLF line ends', async () => {
    const blanks = await refusal(`${HEADER}${GOOD}\n\n${PRM},C2,BTINFCU4,six,2020-01-01\n\n${PRM},C3,BTINFCU4,6\n`);
    expect(blanks.location).toEqual({ file: 'portfolio.csv', line: 7, column: 'since' });
    const values = await refusal(
      `${HEADER}${GOOD}\n\n${PRM},C2,BTINFCU4,six,2020-01-01\n\n${PRM},C3,BTINFCU4,seven,2020-01-01\n`,
    );
    expect(values.message).toContain(
      'line 5, column kva: not a number of kVA: "six"; line 7, column kva: not a number of kVA: "seven"',
    );
    const crlf = await refusal(
      `${HEADER}${GOOD}\r\n${PRM},C2,BTINFCU4,6,2020-02-30\r\n`.replaceAll(/(?<!\r)\n/g, '\r\n'),
    );
    expect(crlf.location).toEqual({ file: 'portfolio.csv', line: 4, column: 'since' });
  });

  it('refuses a line break inside a quoted field, naming its line, the lines after it not read', async () => {
    const error = await refusal(
      `${HEADER}${GOOD}${PRM},"C2\nbis",BTINFCU4,6,2020-01-01\n${PRM},C3,BTINFCU4,x,2020-01-01\n`,
    );
    expect(error.location).toEqual({ file: 'portfolio.csv', line: 3, column: 'contract' });
    expect(error.message).toContain(
      'a line break inside a quoted field: one contract a line; the lines after it are not read',
    );
  });
});

describe('the header, on line 1', () => {
  it.each([
    [
      'a column missing',
      'prm,contract,fta,kva\n',
      'since',
      /the header lacks since: it must name prm,contract,fta,kva,since/,
    ],
    ['a column named twice', 'prm,contract,fta,kva,since,kva\n', 'kva', /the header names kva twice/],
    [
      'bytes that are not UTF-8',
      Buffer.from([0x70, 0x72, 0x6d, 0xe9, 0x0a]),
      undefined,
      /the header holds bytes that are not UTF-8/,
    ],
    ['nothing at all', '', undefined, /the file is empty/],
    [
      'a quote left open',
      'prm,"contract,fta,kva,since\n',
      undefined,
      /the header is not a line of CSV: Quote Not Closed/,
    ],
  ])('refuses %s', async (_case, body, column, problem) => {
    const error = await refusal(body);
    expect(error.location).toEqual({ file: 'portfolio.csv', line: 1, ...(column === undefined ? {} : { column }) });
    expect(error.message).toMatch(problem);
  });

  it('takes the columns by name, in any order, beside others, the header quoted or not', async () => {
    const { outcome } = await importing(`"since",kva,note,prm,contract,fta\n2020-01-01,6,"a, b",${PRM},C2,BTINFCU4\n`);
    expect(outcome).toEqual({ rows: 1, added: 1, contracts: 1, earliestAdded: '2020-01-01' });
  });
});

describe("a row's values", () => {
  it.each([
    [
      'a kVA of -3',
      `${PRM},C2,BTINFCU4,-3,2020-01-01`,
      'kva',
      /a subscribed power is above 0 and at most 250 kVA .*got -3$/,
    ],
    ['a kVA of 0', `${PRM},C2,BTINFCU4,0,2020-01-01`, 'kva', /at most 250 kVA .*got 0$/],
    ['a kVA of 251', `${PRM},C2,BTINFCU4,251,2020-01-01`, 'kva', /at most 250 kVA .*got 251$/],
    [
      'a NUL in a contract reference',
      `${PRM},C\u00002,BTINFCU4,6,2020-01-01`,
      'contract',
      /a control character, U\+0000, at character 2/,
    ],
    [
      'a DEL in a PRM',
      `${PRM.slice(0, 13)}\u007f,C2,BTINFCU4,6,2020-01-01`,
      'prm',
      /a control character, U\+007F, at character 14/,
    ],
    ['a tab in an FTA', `${PRM},C2,BTINF\tCU4,6,2020-01-01`, 'fta', /a control character, U\+0009, at character 6/],
    ['a C1 control in a contract reference', `${PRM},C\u00852,BTINFCU4,6,2020-01-01`, 'contract', /U\+0085/],
  ])('refuses %s by name, with its line and column', async (_case, row, column, problem) => {
    const error = await refusal(`${HEADER}${GOOD}${row}\n`);
    expect(error.location).toEqual({ file: 'portfolio.csv', line: 3, column });
    expect(error.message).toMatch(problem);
    expect(error.message).not.toMatch(/\p{Cc}/u);
  });

  it('names the first 20 faults in the order of the file and counts the others', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `${PRM},K${i},BTINFCU4,x${i},2020-01-01\n`);
    const error = await refusal(`${HEADER}${rows.join('')}`);
    expect(error.message).toMatch(
      /^portfolio.csv, line 2, column kva: 25 fault\(s\), nothing imported: line 2, column kva: /,
    );
    expect(error.message).toContain('line 21, column kva');
    expect(error.message).not.toContain('line 22,');
    expect(error.message).toMatch(/; and 5 more$/);
  });
});
