/**
 * Usage errors exit 2 and name the problem. The command lines run through the executable's own entry
 * in this process; the last tests run the `courant` executable itself, for what only a process
 * shows: its exit status, and results on stdout kept apart from errors on stderr.
 */
import { describe, expect, it } from 'vitest';
import { runCli, runCommandLine } from '../support/run-cli.js';

describe('courant usage errors exit 2 and name the problem', () => {
  it('refuses a malformed --date, naming the argument', async () => {
    const r = await runCommandLine(['run', '--date', '2025-13-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--date: 2025-13-01 does not exist: a year has months 01 to 12');
  });

  it('refuses a day that is not over yet, and a day before the first supported one', async () => {
    expect((await runCommandLine(['run', '--date', '2999-01-01'])).stderr).toMatch(
      /--date: 2999-01-01 is not over yet/,
    );
    const early = await runCommandLine(['run', '--date', '2001-01-01']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/before 2012-01-01/);
  });

  it('refuses an unknown dataset, listing the known ones', async () => {
    const r = await runCommandLine(['run', '--date', '2024-01-01', '--datasets', 'eco2mix,velib']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--datasets: expected a comma-separated list of eco2mix/);
  });

  it('requires --date', async () => {
    const r = await runCommandLine(['run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option '--date/);
  });

  it('stops with every invalid variable named when the configuration is wrong', async () => {
    const r = await runCommandLine(['run', '--date', '2024-01-01'], {
      TEMPORAL_ADDRESS: 'nowhere',
      SOURCE_TIMEOUT_MS: '-1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TEMPORAL_ADDRESS');
    expect(r.stderr).toContain('SOURCE_TIMEOUT_MS');
  });

  it('answers --help with exit 0 for every command', async () => {
    for (const args of [['--help'], ['run', '--help'], ['dev', '--help'], ['demo', '--help'], ['worker', '--help']]) {
      const r = await runCommandLine(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: courant');
    }
  });
});

describe('the courant executable', () => {
  it('prints help on stdout alone and exits 0', async () => {
    const r = await runCli(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: courant run');
    expect(r.stderr).toBe('');
  });

  it('prints a usage error on stderr alone and exits 2', async () => {
    const r = await runCli(['run', '--date', '2025-13-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('courant: --date: 2025-13-01 does not exist: a year has months 01 to 12');
    expect(r.stdout).toBe('');
  });

  it('prints an unknown option with the usage after it on stderr alone and exits 2', async () => {
    const r = await runCli(['run', '--date', '2024-01-01', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--bogus'[\s\S]*Usage: courant run/);
    expect(r.stdout).toBe('');
  });

  it('names every invalid variable on stderr alone and exits 2', async () => {
    const r = await runCli(['run', '--date', '2024-01-01'], { TEMPORAL_ADDRESS: 'nowhere', SOURCE_TIMEOUT_MS: '-1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TEMPORAL_ADDRESS');
    expect(r.stderr).toContain('SOURCE_TIMEOUT_MS');
    expect(r.stdout).toBe('');
  });
});
