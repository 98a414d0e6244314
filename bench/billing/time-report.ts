/**
 * Reading `/usr/bin/time -v`'s report: the billing benches time each `courant` process with it
 * (wall and CPU of the process, its peak RSS), start-up included.
 */

/** `/usr/bin/time -v`'s wall time (s), CPU time (s) and peak RSS (bytes) from its report. */
export function timeReport(stderr: string): { wallS: number; cpuS: number; peakRssBytes: number } {
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (wall === null || rss === null) throw new Error(`no /usr/bin/time report in:\n${stderr.slice(-2000)}`);
  const [, h = '0', m = '0', s = '0'] = wall;
  const cpu = (field: string) => Number(new RegExp(`${field} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1] ?? NaN);
  return {
    wallS: Number(h) * 3600 + Number(m) * 60 + Number(s),
    cpuS: cpu('User') + cpu('System'),
    peakRssBytes: Number(rss[1]) * 1024,
  };
}
