/**
 * A workflow failure as text for a terminal: one message saying what failed, the distinct causes
 * below it (each once, its first line only), and what to do once. Temporal wraps a failure in
 * levels that say nothing of their own ("Workflow execution failed", "Activity task failed") or
 * repeat the level below; neither is printed.
 */

/** The messages of Temporal's wrapping levels, which only say that the level below failed. */
const WRAPPERS = new Set(['Workflow execution failed', 'Activity task failed', 'Child Workflow execution failed']);

/** Levels of a cause chain read at most. */
const MAX_DEPTH = 12;

/** What to do, by the type of the first classified failure, when the message does not say it already. */
const ADVICE: Readonly<Record<string, string>> = {
  BadData:
    'fix the file named above (a refused drop was moved to quarantine/, its reason beside it in a .reason.json), then ingest or run it again',
  DaysFailed: 'fix the cause of each failed day above, then ingest the file again (or re-run those days)',
  StorageMisconfigured: 'make the path named above writable (or point its variable elsewhere), then restart the worker',
  TransientIO: 'check that the source and the stores answer, then run it again',
};

interface Level {
  readonly type: string | undefined;
  readonly message: string;
}

function levelsOf(error: unknown): Level[] {
  const levels: Level[] = [];
  let current: unknown = error;
  while (current instanceof Error && levels.length < MAX_DEPTH) {
    const type = 'type' in current && typeof current.type === 'string' ? current.type : undefined;
    levels.push({ type, message: current.message.split('\n', 1)[0]?.trim() ?? '' });
    current = current.cause;
  }
  return levels;
}

export function failureChain(error: unknown): string {
  const levels = levelsOf(error);
  const kept: Level[] = [];
  for (const level of levels) {
    if (level.message === '' || WRAPPERS.has(level.message)) continue;
    if (kept.some((k) => k.message.includes(level.message))) continue;
    kept.push(level);
  }
  const [head, ...causes] = kept;
  if (!head) return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const type = levels.find((level) => level.type !== undefined)?.type;
  const lines = [
    type && !head.message.includes(`[${type}]`) ? `[${type}] ${head.message}` : head.message,
    ...causes.map((cause) => `  caused by: ${cause.message}`),
  ];
  const advice = type === undefined ? undefined : ADVICE[type];
  if (advice && !kept.some((k) => k.message.includes('What to do'))) lines.push(`What to do: ${advice}.`);
  return lines.join('\n');
}
