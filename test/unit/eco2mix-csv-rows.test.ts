import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readCsvTable } from '../../src/datasets/eco2mix/csv-rows.js';

/** The rows csv-parse gives for a text, the way the reader used it before its unquoted fast path. */
function withCsvParse(text: string, delimiter: ';' | ','): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  parse(text.replace(/\r\n?/g, '\n'), {
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (fields: string[], context) => {
      rows.push({ line: context.lines, fields });
      return null;
    },
  });
  return rows.slice(1).filter((row) => !row.fields.every((field) => field.trim() === ''));
}

describe('readCsvTable on texts without quotes', () => {
  const texts: Array<[string, string]> = [
    ['LF with a trailing newline', 'a;b;c\n1;2;3\n4;5;6\n'],
    ['CRLF without a trailing newline', 'a;b;c\r\n1;2;3\r\n4;5;6'],
    ['blank lines, lines of spaces and of delimiters', '\n\na;b;c\n\n1;2;3\n   \n;;\n\r\n4;5;6\n\n'],
    ['rows of other widths and empty cells', 'a;b;c\n1;2\n1;2;3;4\n;;3\n'],
    ['a lone carriage return as a line end', 'a;b;c\r1;2;3\r\n4;5;6\n'],
  ];
  for (const [what, text] of texts) {
    it(`gives the rows and lines csv-parse gives: ${what}`, () => {
      expect(readCsvTable(text, ';', 'f.csv').rows).toEqual(withCsvParse(text, ';'));
    });
  }
});
