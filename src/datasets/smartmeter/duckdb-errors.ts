/** DuckDB's CSV reader errors as BadDataError: a file it cannot read names the file and the line. */
import { BadDataError } from '../../workflow-safe/errors.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work`, turning DuckDB's "CSV Error on Line: N" into BadDataError naming `file` and the line. */
export async function asBadData<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const text = message(error);
    const line = /CSV Error on Line: (\d+)/.exec(text)?.[1];
    if (line === undefined) throw error;
    const problem = /invalid unicode|invalid encoding/i.test(text)
      ? 'expected UTF-8 text, found bytes that are not UTF-8 (a Latin-1 file?)'
      : /maximum line size/i.test(text)
        ? 'a line is longer than any smart-meter reading (over 2 MB)'
        : `the file cannot be read: ${text.split('\n', 1)[0] ?? ''}`;
    throw new BadDataError({ file, line: Number(line) }, problem, { cause: error });
  }
}
