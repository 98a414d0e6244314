/**
 * The CSV the CLI writes (`courant billing`, `courant perimeter`, `--changes`): C15 text a
 * spreadsheet would run as a formula is written behind a single quote; decimals, negative ones
 * included, stay numbers; RFC 4180 quoting as before.
 */
import { describe, expect, it } from 'vitest';
import { csvText } from '../../src/cli/text-table.js';

describe('the CLI CSV', () => {
  it('neutralises a formula in C15 text and leaves numbers and decimals as they are', () => {
    const csv = csvText(
      ['contract', 'fta', 'delta', 'days', 'note'],
      [
        ['=HYPERLINK("http://x")', '+BTINFCU4', '-7.35', 19, 'a, b'],
        ['@SUM(A1)', '-cmd', '0.00', -3, null],
      ],
    );
    expect(csv).toBe(
      'contract,fta,delta,days,note\n' +
        `"'=HYPERLINK(""http://x"")",'+BTINFCU4,-7.35,19,"a, b"\n` +
        `'@SUM(A1),'-cmd,0.00,-3,\n`,
    );
  });
});
