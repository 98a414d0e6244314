/**
 * How `courant demo` ends: the day's headline figures as its daily report shows them, the files the
 * day wrote, the report page as a link to open, and the day in the Temporal Web UI.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import { figureText } from '../reports/html/section.js';
import { storageKeys, workflowIds } from '../workflow-safe/keys.js';
import type { Storage } from '../storage/index.js';
import { objectLocation } from './object-location.js';

const figureShape = z.object({
  label: z.string(),
  value: z.union([z.number(), z.string(), z.null()]),
  unit: z.string().optional(),
  digits: z.number().int().min(0).max(20).optional(),
  format: z.enum(['percent', 'instant', 'text']).optional(),
  note: z.string().optional(),
  detail: z.boolean().optional(),
});

/** The part of `reports/dt=D/daily_report.json` the summary shows. */
const dailyReportShape = z.object({
  datasets: z.array(
    z.object({
      title: z.string(),
      status: z.enum(['succeeded', 'failed']),
      error: z.string().nullable(),
      section: z.object({ figures: z.array(figureShape) }).nullable(),
    }),
  ),
});

/** One block per dataset: its title and status, then each headline figure (as the report's tiles). */
export function headlineLines(report: z.infer<typeof dailyReportShape>): string[] {
  return report.datasets.flatMap((d) => {
    const figures = (d.section?.figures ?? []).filter((f) => f.detail !== true);
    const width = Math.max(0, ...figures.map((f) => f.label.length)) + 2;
    return [
      `  ${d.title}: ${d.status}${d.error ? ` (${d.error})` : ''}`,
      ...figures.map((f) => `    ${f.label.padEnd(width)}${figureText(f)}${f.note ? `  (${f.note})` : ''}`),
    ];
  });
}

/** A link a terminal can open: `file://` and an absolute path in local mode, the `s3://` URI in aws mode. */
export function objectLink(config: Config, key: string): string {
  const location = objectLocation(config, key);
  return config.storage.s3 ? location : pathToFileURL(path.resolve(location)).href;
}

/**
 * The day's input keys, a snapshot source's files as one line (`{folder}/  (96 files)`) when it
 * has several; the other inputs one line each.
 */
export function inputLines(dataset: string, date: string, keys: readonly string[]): string[] {
  const day = `${storageKeys.rawDay(dataset, date)}/`;
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const inFolder = key.startsWith(day) && key.slice(day.length).includes('/');
    const group = inFolder ? key.slice(0, key.lastIndexOf('/') + 1) : key;
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  return [...groups].map(([group, members]) =>
    members.length > 1 ? `${group}  (${members.length} files)` : (members[0] ?? group),
  );
}

/** Prints the summary of the demo's day; the day has succeeded, so its records and report exist. */
export async function printDemoSummary(
  out: NodeJS.WritableStream,
  options: { config: Config; storage: Storage; datasets: readonly string[]; date: string; ui: string | null },
): Promise<void> {
  const { config, storage, datasets, date } = options;
  const reportBytes = await storage.objects.get(storageKeys.dailyReport(date, 'json'));
  const report = dailyReportShape.parse(JSON.parse(Buffer.from(reportBytes).toString('utf8')));
  const runs = await Promise.all(
    datasets.map(async (dataset) => ({ dataset, run: await storage.records.getDayRun(dataset, date) })),
  );
  const files = [
    ...runs.flatMap(({ dataset, run }) => [
      ...inputLines(dataset, date, run?.inputs.map((input) => input.key) ?? []),
      ...(run?.outputs ?? []),
    ]),
    ...(['html', 'json', 'csv'] as const).map((ext) => storageKeys.dailyReport(date, ext)),
  ];
  const where = config.storage.s3 ? objectLocation(config, '') : path.resolve(config.storage.dataDir);
  const html = objectLink(config, storageKeys.dailyReport(date, 'html'));
  const ui = options.ui
    ? `${options.ui}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowIds.daily(date))}`
    : null;
  out.write(
    [
      '',
      `The day ${date}`,
      ...headlineLines(report),
      '',
      `Files written under ${where}`,
      ...files.map((key) => `  ${key}`),
      '',
      `Daily report      ${html}`,
      ...(ui ? [`Temporal Web UI   ${ui}`] : []),
      '',
    ].join('\n'),
  );
}
