/**
 * Reading V8 CPU profiles (`node --cpu-prof`): self time per function, for RESULTS.md. The
 * `.cpuprofile` files open as flame graphs in Chrome DevTools (Performance tab) or speedscope.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/stack/tools.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  /** The profile's path, relative to the project's root when it lies inside it. */
  readonly file: string;
  readonly totalMs: number;
  /** Time the thread waited (idle), e.g. for DuckDB's own threads or the network. */
  readonly idleMs: number;
  readonly top: readonly { readonly frame: string; readonly selfMs: number }[];
}

/** `node_modules/csv-parse/…` → `csv-parse`; a project file → its path; Node's own → `node:…`. */
function where(url: string): string {
  if (url === '') return '';
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = file.slice(modules + 'node_modules/'.length).split('/');
    return (parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
  }
  if (file.startsWith(PROJECT_ROOT)) return path.relative(PROJECT_ROOT, file);
  return file.startsWith('node:') ? file : `node:${path.basename(file)}`;
}

export async function summariseProfile(file: string, top = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    totalUs += delta;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    if (frame.functionName === '(idle)') {
      idleUs += delta;
      return;
    }
    const location = where(frame.url);
    const key = `${frame.functionName || '(anonymous)'}${location ? ` (${location})` : ''}`;
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  return {
    file: file.startsWith(PROJECT_ROOT) ? path.relative(PROJECT_ROOT, file) : file,
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    top: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, us]) => ({ frame, selfMs: us / 1000 })),
  };
}
