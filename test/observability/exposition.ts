/** Metric names: those a Prometheus exposition declares, those a PromQL expression uses, and a dashboard's expressions. */
import { z } from 'zod';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Every name a scrape of `text` gives series of: samples, and declared metrics with their histogram/summary series. */
export function exportedMetricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type?.[1] && type[2]) {
      names.add(type[1]);
      if (type[2] === 'histogram' || type[2] === 'summary')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${type[1]}${suffix}`);
    } else if (!line.startsWith('#')) {
      const name = NAME.exec(line)?.[0];
      if (name) names.add(name);
    }
  }
  return names;
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression selects (not functions, keywords, labels or Grafana variables). */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()/g)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((n) => n !== '' && !KEYWORDS.has(n.toLowerCase())))];
}

interface Panel {
  readonly targets?: ReadonlyArray<{ readonly expr?: string | undefined }> | undefined;
  readonly panels?: readonly Panel[] | undefined;
}

const panel: z.ZodType<Panel> = z.lazy(() =>
  z.object({
    targets: z.array(z.object({ expr: z.string().optional() })).optional(),
    panels: z.array(panel).optional(),
  }),
);

/** The PromQL expressions of every panel of a Grafana dashboard (rows' panels included). */
export function dashboardExpressions(dashboard: unknown): string[] {
  const { panels } = z.object({ panels: z.array(panel) }).parse(dashboard);
  const walk = (list: readonly Panel[]): string[] =>
    list.flatMap((p) => [...(p.targets ?? []).flatMap((t) => (t.expr ? [t.expr] : [])), ...walk(p.panels ?? [])]);
  return walk(panels);
}
