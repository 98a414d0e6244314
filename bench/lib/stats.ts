/** Order statistics of a sample. */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('no values');
  return [...values].sort((a, b) => a - b);
}

/** The p-th percentile (0..100), interpolated between the closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  const s = sorted(values);
  const rank = (p / 100) * (s.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = s[low] ?? 0;
  const b = s[high] ?? a;
  return a + (b - a) * (rank - low);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function max(values: readonly number[]): number {
  return sorted(values).at(-1) ?? 0;
}
