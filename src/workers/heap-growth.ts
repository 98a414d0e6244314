/**
 * The worker's heaps kept near their live data. V8 lets a heap grow up to four times what survived
 * its last full collection before it collects again, so a worker building a backfill's reports
 * holds several times the data it keeps alive. Growing by at most as much again as survived
 * (100 %) lowers the worker's peak at the same speed; growing by less lowers it further, but the
 * more frequent collections cost a short backfill more CPU a day (bench/RESULTS.md, "The worker's
 * heaps kept near their live data").
 */
import v8 from 'node:v8';

/**
 * Sets V8's growth of the process's heaps to `percent` (WORKER_HEAP_GROWTH_PERCENT) before the
 * worker starts; 0 is V8's own rule (the flag's default). V8 reads the flag at each full collection,
 * in every heap of the process, the workflow threads' included. Returns the flag set.
 */
export function boundHeapGrowth(
  percent: number,
  setFlags: (flags: string) => void = (flags) => v8.setFlagsFromString(flags),
): string {
  const flag = `--heap-growing-percent=${percent}`;
  setFlags(flag);
  return flag;
}
