/**
 * What a process a test starts gets of the test's own environment: PATH, HOME, TMPDIR (a suite
 * run keeps every temporary file under one TMPDIR it removes at the end, scripts/test.sh) and
 * MALLOC_ARENA_MAX (glibc's, as scripts/test.sh sets it), nothing else, so that the machine's
 * settings never reach the process under test.
 */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const name of ['TMPDIR', 'MALLOC_ARENA_MAX'] as const) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}
