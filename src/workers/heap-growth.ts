/**
 * The worker's heaps kept near their live data. V8 lets a heap grow up to four times what survived
 * its last full collection before it collects again: building a backfill's reports, a worker keeps
 * about 100 MB alive in its main heap and held 300 MB. Growing by at most as much again as survived
 * (100 %) took ten years' peak from 806–922 MB to 734–777 MB at the same speed; by half (50 %), to
 * 673–727 MB, but a short backfill's frequent collections cost 7 CPU-ms a day where 100 % costs 3
 * (bench/RESULTS.md, "The worker's heaps kept near their live data").
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
