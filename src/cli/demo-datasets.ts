/** What `courant demo` runs: the datasets asked for (each must ship a demo) and a day every one of their demos covers. */
import type { DemoCapability } from '../datasets/capabilities/demo.js';
import type { SnapshotsCapability } from '../datasets/capabilities/snapshots.js';
import { findCapability, type DatasetModule } from '../datasets/modules.js';
import { UsageError } from './errors.js';
import { parseDatasetsOption, parseDayOption } from './options.js';

/** A dataset with a demo, and the snapshots it is collected by (when it is). */
export interface DemoModule {
  readonly name: string;
  readonly title: string;
  readonly demo: DemoCapability;
  readonly snapshots?: SnapshotsCapability;
}

/** The modules among `modules` that ship a demo, in their order. */
export function withDemo(modules: readonly DatasetModule[]): DemoModule[] {
  return modules.flatMap(({ dataset, capabilities }) => {
    const demo = findCapability(capabilities, 'demo');
    const snapshots = findCapability(capabilities, 'snapshots');
    return demo ? [{ name: dataset.name, title: dataset.title, demo, ...(snapshots ? { snapshots } : {}) }] : [];
  });
}

/**
 * `--datasets a,b` among the modules with a demo (`cityflow`: every `cityflow-…` of them), in
 * registry order; the first of them when not given. A UsageError names the datasets with a demo.
 */
export function demoModules(value: unknown, withDemo: readonly DemoModule[]): DemoModule[] {
  const names = parseDatasetsOption(
    value,
    withDemo.map((m) => m.name),
  );
  const first = withDemo[0];
  if (names === undefined) return first ? [first] : [];
  return withDemo.filter((m) => names.includes(m.name));
}

/**
 * `--date` when given, checked against every demo; else the first of the demos' own default days
 * that every demo covers. A UsageError says which demo covers which days.
 */
export function demoDate(value: unknown, modules: readonly DemoModule[], now: Date): string {
  const coveredByAll = (date: string) => modules.every((m) => m.demo.covers(date));
  if (value === undefined) {
    const date = modules.map((m) => m.demo.defaultDate).find(coveredByAll);
    const coverage = modules.map((m) => `${m.name}: ${m.demo.days}`).join('; ');
    if (date === undefined) throw new UsageError(`no day is covered by every demo asked for (${coverage})`);
    return date;
  }
  const date = parseDayOption('--date', value, now);
  if (coveredByAll(date)) return date;
  const only = modules.length === 1 ? modules[0] : undefined;
  if (only) throw new UsageError(`--date: the demo samples cover ${only.demo.days}`);
  const missing = modules.filter((m) => !m.demo.covers(date)).map((m) => `${m.name} (${m.demo.days})`);
  throw new UsageError(`--date: ${date} is not a day of the demo of ${missing.join(', ')}`);
}
