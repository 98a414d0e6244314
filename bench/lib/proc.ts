/** Processes, from /proc (Linux): their peak resident memory (VmHWM) and the CPU time they used. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Peak resident memory of a process in bytes, or null once it has gone. */
export function peakRssBytes(pid: number | 'self' = 'self'): number | null {
  try {
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/** Sets a process's peak resident memory back to its resident memory now: the next peak read is a step's. */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** CPU time (user + system) a process has used, in seconds, or null once it has gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on Linux on every common architecture. */
const CLOCK_TICKS = 100;

/** The pids of `pid`'s descendants now running (from each process's parent in /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while the list was read.
    }
  }
  const found: number[] = [];
  for (let next = [pid]; next.length > 0;) {
    next = next.flatMap((p) => children.get(p) ?? []);
    found.push(...next);
  }
  return found;
}

/** CPU seconds of `pid` and every descendant of it still running. */
export function treeCpuSeconds(pid: number): number {
  return [pid, ...descendants(pid)].reduce((total, p) => total + (cpuSeconds(p) ?? 0), 0);
}

/** CPU seconds of `pid` and each descendant of it still running, summed by command name (`/proc/…/comm`). */
export function treeCpuSecondsByCommand(pid: number): Map<string, number> {
  const byCommand = new Map<string, number>();
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const command = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      byCommand.set(command, (byCommand.get(command) ?? 0) + (cpuSeconds(p) ?? 0));
    } catch {
      // The process ended while the tree was read.
    }
  }
  return byCommand;
}

/** CPU seconds of this process's children that have ended and been waited for (cutime + cstime). */
export function endedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}
