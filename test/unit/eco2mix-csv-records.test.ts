import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvRecordsSql } from '../../src/datasets/eco2mix/records-sql.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-eco2mix-records-');

interface Record {
  line: number;
  fields: string[];
}

/** The non-blank records csv-parse gives for a text, with the line each starts on. */
function withCsvParse(text: string, delimiter: ';' | ','): Record[] {
  const records: Record[] = [];
  parse(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), {
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (fields: string[], context) => {
      const newlines = fields.join('').split('\n').length - 1;
      records.push({ line: context.lines - newlines, fields });
      return null;
    },
  });
  return records.filter((record) => !record.fields.every((field) => field.trim() === ''));
}

let written = 0;

async function withDuckDb(text: string, delimiter: ';' | ','): Promise<Record[]> {
  written += 1;
  const file = path.join(scratch.dir, `records-${written}.csv`);
  await writeFile(file, text);
  const reader = await scratch.connection.runAndReadAll(
    `SELECT line, fields FROM (${csvRecordsSql([file], delimiter, text.includes('"'))}) WHERE NOT blank ORDER BY line`,
  );
  return reader.getRowObjectsJson().map((row) => ({ line: Number(row.line), fields: row.fields as string[] }));
}

describe('the records DuckDB reads from an export', () => {
  const texts: Array<[string, string]> = [
    ['LF with a trailing newline', 'a;b;c\n1;2;3\n4;5;6\n'],
    ['CRLF without a trailing newline, after a BOM', '\uFEFFa;b;c\r\n1;2;3\r\n4;5;6'],
    ['blank lines, lines of spaces and of delimiters', '\n\na;b;c\n\n1;2;3\n   \n;;\n\r\n4;5;6\n\n'],
    ['rows of other widths and empty cells', 'a;b;c\n1;2\n1;2;3;4\n;;3\n'],
    ['a lone carriage return as a line end', 'a;b;c\r1;2;3\r\n4;5;6\n'],
    [
      'quoted fields with delimiters, doubled quotes and line ends',
      'a;b\r\n"x;y";"say ""hi"""\r\n"two\r\nlines";""\r\n\r\n3;4\r\n',
    ],
  ];
  for (const [what, text] of texts) {
    it(`are the records and lines csv-parse gives: ${what}`, async () => {
      expect(await withDuckDb(text, ';')).toEqual(withCsvParse(text, ';'));
    });
  }

  it('splits on commas when asked', async () => {
    const text = 'a,b\n"1,5",2\n';
    expect(await withDuckDb(text, ',')).toEqual(withCsvParse(text, ','));
  });

  it('leaves the fields of a record whose quoting is broken NULL', async () => {
    const file = path.join(scratch.dir, 'broken.csv');
    await writeFile(file, 'a;b\n1;x"y"\n"open;2\n3;4\n');
    const reader = await scratch.connection.runAndReadAll(
      `SELECT line FROM (${csvRecordsSql([file], ';', true)}) WHERE fields IS NULL ORDER BY line`,
    );
    expect(reader.getRows().map(([line]) => Number(line))).toEqual([2, 3]);
  });
});
