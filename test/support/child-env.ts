/**
 * What a process a test starts gets of the test's own environment: PATH, HOME and TMPDIR (a suite
 * run keeps every temporary file under one TMPDIR it removes at the end, scripts/test.sh), nothing
 * else, so that the machine's settings never reach the process under test.
 */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return env;
}
