/** Memory of processes, from /proc (Linux): the peak resident set (VmHWM) and the current one (VmRSS). */
import { readFileSync } from 'node:fs';

function statusField(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/** Peak resident memory of a process in bytes, or null once it has gone. */
export function peakRssBytes(pid: number | 'self' = 'self'): number | null {
  return statusField(pid, 'VmHWM');
}

export function rssBytes(pid: number | 'self' = 'self'): number | null {
  return statusField(pid, 'VmRSS');
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
