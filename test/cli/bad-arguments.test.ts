/**
 * Every flag of every command given a bad value: exit 2, the flag named, no stack trace, and nothing
 * stored or contacted first. Temporal and the document store point at a closed port, so a command
 * that reached for them before checking its arguments would say "cannot reach" instead. Each command
 * line runs through the executable's own entry, in this process (usage.test.ts runs the executable).
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRteFile, zipRteFile } from '../support/rte-files.js';
import { runCommandLine } from '../support/run-cli.js';

let scratch: string;
let dataDir: string;
let env: Record<string, string>;
const files = { goodZip: '', empty: '', plain: '', folder: '' };

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bad-arguments-'));
  dataDir = path.join(scratch, 'data');
  await mkdir(dataDir);
  env = { TEMPORAL_ADDRESS: '127.0.0.1:1', MONGODB_URL: 'mongodb://127.0.0.1:1/courant', DATA_DIR: dataDir };
  const zip = zipRteFile(buildRteFile({ from: '2016-06-01', to: '2016-06-02' }));
  files.goodZip = path.join(scratch, zip.name);
  await writeFile(files.goodZip, zip.bytes);
  files.empty = path.join(scratch, 'empty.csv');
  await writeFile(files.empty, '');
  files.plain = path.join(scratch, 'plain.txt');
  await writeFile(files.plain, 'not a folder\n');
  files.folder = path.join(scratch, 'drops');
  await mkdir(files.folder);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

type Case = readonly [label: string, args: () => string[], named: RegExp];

const TOO_LONG_ID = 'a'.repeat(129);

const CASES: readonly Case[] = [
  [
    'run --date of a day the calendar lacks',
    () => ['run', '--date', '2024-02-30'],
    /--date: 2024-02-30 does not exist: 2024-02 has 29 days/,
  ],
  ['run --date missing', () => ['run', '--wait'], /required option '--date/],
  ['run --date not over', () => ['run', '--date', '2999-01-01'], /--date: 2999-01-01 is not over yet/],
  ['run --datasets unknown', () => ['run', '--date', '2024-01-01', '--datasets', 'nope'], /--datasets: expected/],
  ['run --datasets empty', () => ['run', '--date', '2024-01-01', '--datasets', ' , '], /--datasets: expected/],
  ['run unknown flag', () => ['run', '--date', '2024-01-01', '--bogus'], /unknown option '--bogus'/],

  ['backfill --from malformed', () => ['backfill', '--from', '2024-1-1', '--to', '2024-01-02'], /--from: "2024-1-1"/],
  ['backfill --to malformed', () => ['backfill', '--from', '2024-01-01', '--to', 'tomorrow'], /--to: "tomorrow"/],
  [
    'backfill --to before --from',
    () => ['backfill', '--from', '2024-01-02', '--to', '2024-01-01'],
    /--to \(2024-01-01\) is before --from/,
  ],
  [
    'backfill --mode unknown',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--mode', 'some'],
    /--mode: expected one of missing, failed, all/,
  ],
  [
    'backfill --per-day with --days-per-run',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--per-day', '--days-per-run', '4'],
    /--per-day and --days-per-run contradict each other/,
  ],
  [
    'backfill --parallel zero',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--parallel', '0'],
    /--parallel: expected a whole number/,
  ],
  [
    'backfill --parallel fraction',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--parallel', '2.5'],
    /--parallel: expected a whole number/,
  ],
  [
    'backfill --parallel huge',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--parallel', '100000'],
    /--parallel: expected a whole number/,
  ],
  [
    'backfill --datasets unknown',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--datasets', 'eco2mix,x'],
    /--datasets: expected/,
  ],
  [
    'backfill --id traversal',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--id', '../../etc'],
    /--id: expected .*"\.\.\/\.\.\/etc"/,
  ],
  [
    'backfill --id traversal, dry run',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--id', '../../etc', '--dry-run'],
    /--id: expected/,
  ],
  [
    'backfill --id with a space',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--id', 'my run'],
    /--id: expected .*"my run"/,
  ],
  [
    'backfill --id too long',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--id', TOO_LONG_ID],
    /--id: expected 1 to 128/,
  ],
  [
    'backfill --id empty',
    () => ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--id', ''],
    /--id: expected .*""/,
  ],

  ['status --from malformed', () => ['status', '--from', '01/01/2024', '--to', '2024-01-02'], /--from: "01\/01\/2024"/],
  ['status --to missing', () => ['status', '--from', '2024-01-01'], /--to is required/],
  ['status --date and --from', () => ['status', '--date', '2024-01-01', '--from', '2024-01-01'], /not both/],
  ['status --date malformed', () => ['status', '--date', '2024-13-01'], /--date: 2024-13-01 does not exist/],
  [
    'status --datasets unknown',
    () => ['status', '--from', '2024-01-01', '--to', '2024-01-02', '--datasets', 'x'],
    /--datasets: expected/,
  ],

  ['import --file missing', () => ['import'], /required option '--file/],
  [
    'import --file unreadable',
    () => ['import', '--file', path.join(scratch, 'absent.zip')],
    /--file: cannot read .*absent\.zip \(ENOENT\)/,
  ],
  ['import --file not a publisher file', () => ['import', '--file', files.plain], /--file: not /],
  ['import --id traversal', () => ['import', '--file', files.goodZip, '--id', '../x'], /--id: expected .*"\.\.\/x"/],
  [
    'import --id traversal, dry run',
    () => ['import', '--file', files.goodZip, '--id', '../x', '--dry-run'],
    /--id: expected/,
  ],
  [
    'import --dataset unknown',
    () => ['import', '--file', files.goodZip, '--dataset', 'nope'],
    /--dataset: expected one of/,
  ],
  [
    'import --parallel zero',
    () => ['import', '--file', files.goodZip, '--parallel', '0'],
    /--parallel: expected a whole number/,
  ],
  ['import --from malformed', () => ['import', '--file', files.goodZip, '--from', '2016-06'], /--from: "2016-06"/],
  [
    'import --to before --from',
    () => ['import', '--file', files.goodZip, '--from', '2016-06-02', '--to', '2016-06-01'],
    /--to \(2016-06-01\) is before --from/,
  ],

  ['ingest --dataset missing', () => ['ingest', '--file', files.goodZip], /required option '--dataset/],
  [
    'ingest --dataset unknown',
    () => ['ingest', '--dataset', 'eco2mix', '--file', files.goodZip],
    /--dataset: expected one of .*datasets fed by files/,
  ],
  ['ingest neither --file nor --dir', () => ['ingest', '--dataset', 'smartmeter'], /exactly one of --file or --dir/],
  [
    'ingest both --file and --dir',
    () => ['ingest', '--dataset', 'smartmeter', '--file', files.goodZip, '--dir', files.folder],
    /exactly one of --file or --dir/,
  ],
  [
    'ingest --file unreadable',
    () => ['ingest', '--dataset', 'smartmeter', '--file', path.join(scratch, 'absent.csv')],
    /--file: cannot read .*ENOENT/,
  ],
  [
    'ingest --file empty',
    () => ['ingest', '--dataset', 'smartmeter', '--file', files.empty],
    /--file: .*empty\.csv is empty/,
  ],
  [
    'ingest --dir unreadable',
    () => ['ingest', '--dataset', 'smartmeter', '--dir', path.join(scratch, 'absent')],
    /--dir: /,
  ],
  ['ingest --dir a file', () => ['ingest', '--dataset', 'smartmeter', '--dir', files.plain], /--dir: /],
  ['ingest --dir with no file', () => ['ingest', '--dataset', 'smartmeter', '--dir', files.folder], /--dir: /],
  [
    'ingest --meter-id traversal',
    () => ['ingest', '--dataset', 'smartmeter', '--file', files.plain, '--meter-id', '../m'],
    /--meter-id: .*"\.\.\/m"/,
  ],

  [
    'energies --dataset without indexes',
    () => ['energies', '--dataset', 'eco2mix', '--from', '2024-01-01', '--to', '2024-01-31'],
    /--dataset: expected one of enedis \(datasets of meter indexes\), got "eco2mix"/,
  ],
  ['energies --to missing', () => ['energies', '--dataset', 'enedis', '--from', '2024-01-01'], /required option '--to/],
  [
    'energies --to before --from',
    () => ['energies', '--dataset', 'enedis', '--from', '2024-01-31', '--to', '2024-01-01'],
    /--to \(2024-01-01\) is before --from/,
  ],
  [
    'energies --prm traversal',
    () => ['energies', '--dataset', 'enedis', '--from', '2024-01-01', '--to', '2024-01-31', '--prm', '../x'],
    /--prm: .*"\.\.\/x"/,
  ],
  [
    'energies --format unknown',
    () => ['energies', '--dataset', 'enedis', '--from', '2024-01-01', '--to', '2024-01-31', '--format', 'xls'],
    /--format: expected one of csv, json, parquet, got "xls"/,
  ],
  [
    'energies --format parquet without --out',
    () => ['energies', '--dataset', 'enedis', '--from', '2024-01-01', '--to', '2024-01-31', '--format', 'parquet'],
    /--format parquet needs --out FILE/,
  ],
  [
    'energies --out where no file can be made',
    () => ['energies', '--dataset', 'enedis', '--from', '2024-01-01', '--to', '2024-01-31', '--out', '/proc/1/x.csv'],
    /--out: cannot write \/proc\/1\/x\.csv/,
  ],
  [
    'energies --out in a folder that does not exist',
    () => [
      'energies',
      '--dataset',
      'enedis',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-31',
      '--out',
      path.join(files.folder, 'no', 'x.csv'),
    ],
    /--out: cannot write .*drops\/no\/x\.csv \(ENOENT/,
  ],
  [
    'energies --out a folder',
    () => ['energies', '--dataset', 'enedis', '--from', '2024-01-01', '--to', '2024-01-31', '--out', files.folder],
    /--out: cannot write .*drops \(EISDIR/,
  ],

  [
    'perimeter --date malformed',
    () => ['perimeter', '--date', '2024-3-1'],
    /--date: a day written YYYY-MM-DD, got "2024-3-1"/,
  ],
  [
    'perimeter --format unknown',
    () => ['perimeter', '--date', '2024-03-01', '--format', 'xls'],
    /--format: expected one of table, csv, json, got "xls"/,
  ],
  [
    'billing --month malformed',
    () => ['billing', '--month', '2024-13'],
    /--month: a month written YYYY-MM, got "2024-13"/,
  ],
  ['billing --month missing', () => ['billing'], /required option '--month/],
  [
    'billing --prm not a PRM',
    () => ['billing', '--month', '2024-03', '--prm', '../x'],
    /--prm: a PRM is 14 digits, got "\.\.\/x"/,
  ],

  ['report no period', () => ['report'], /exactly one of --date D, --month YYYY-MM, --year YYYY/],
  ['report two periods', () => ['report', '--date', '2024-01-01', '--month', '2024-01'], /exactly one of --date/],
  [
    'report --date of a day the calendar lacks',
    () => ['report', '--date', '2024-01-32'],
    /--date: 2024-01-32 does not exist: 2024-01 has 31 days/,
  ],
  ['report --month malformed', () => ['report', '--month', '2024-13'], /--month: "2024-13" is not a month/],
  ['report --month out of range', () => ['report', '--month', '2001-01'], /--month: 2001-01 is outside/],
  ['report --year malformed', () => ['report', '--year', '24'], /--year: "24" is not a year/],
  ['report --year out of range', () => ['report', '--year', '2999'], /--year: 2999 is outside/],

  ['schedules pause --note missing', () => ['schedules', 'pause'], /required option '--note/],
  ['schedules pause --note blank', () => ['schedules', 'pause', '--note', '   '], /--note: expected a text/],
  [
    'schedules backfill --from malformed',
    () => ['schedules', 'backfill', '--from', 'x', '--to', '2024-01-02'],
    /--from: "x"/,
  ],
  [
    'schedules backfill --overlap unknown',
    () => ['schedules', 'backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--overlap', 'NOPE'],
    /--overlap: expected one of/,
  ],
  ['schedules unknown subcommand', () => ['schedules', 'explode'], /unknown command 'explode'/],

  ['dev --state-dir a file', () => ['dev', '--state-dir', files.plain], /--state-dir: .*plain\.txt is not a folder/],
  [
    'dev --state-dir not writable',
    () => ['dev', '--state-dir', '/proc/1/state'],
    /--state-dir: cannot write \/proc\/1\/state/,
  ],
  ['dev --state-dir blank', () => ['dev', '--state-dir', ''], /--state-dir: expected a folder/],
  [
    'demo --date outside the samples',
    () => ['demo', '--date', '2024-01-01', '--no-keep-running'],
    /--date: the demo samples cover/,
  ],
  ['demo --date malformed', () => ['demo', '--date', 'yesterday'], /--date: "yesterday"/],
  [
    'demo --state-dir a file',
    () => ['demo', '--state-dir', files.plain, '--no-keep-running'],
    /--state-dir: .*is not a folder/,
  ],
  [
    'demo --state-dir not writable',
    () => ['demo', '--state-dir', '/proc/1/state', '--no-keep-running'],
    /--state-dir: cannot write \/proc\/1\/state/,
  ],
  ['worker unknown flag', () => ['worker', '--threads', '4'], /unknown option '--threads'/],
  ['unknown command', () => ['explode'], /unknown command 'explode'/],
];

describe('bad command-line arguments', () => {
  it.concurrent.each(CASES)('%s: exit 2, the argument named, nothing stored', async (_label, args, named) => {
    const r = await runCommandLine(args(), env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(named);
    expect(r.stderr).not.toMatch(/cannot reach/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(await readdir(dataDir)).toEqual([]);
  });
});
