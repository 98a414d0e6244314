/** A pause between two looks at a run, cut short by `until`: a pending timer would hold the command's exit. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Waits `ms`, or less once `until` is aborted; any other failure of the timer is thrown. */
export async function pauseUnless(ms: number, until: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal: until }).catch((error: unknown) => {
    if (!until.aborted) throw error;
  });
}
