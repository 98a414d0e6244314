/** A real Prometheus server (Debian's package, from .tools) scraping given targets, with a PromQL client. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { startProcess } from '../../src/stack/process.js';
import { freePort, waitForPort } from '../../src/stack/ports.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';
import { prometheusTool } from './promtool.js';

const sample = z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) });
const queryAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('vector'), result: z.array(sample) }),
});
const rulesAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    groups: z.array(z.object({ name: z.string(), rules: z.array(z.object({ name: z.string(), health: z.string() })) })),
  }),
});

export type Sample = z.infer<typeof sample>;

export interface PrometheusServer {
  readonly url: string;
  /** An instant PromQL query; fails with Prometheus's error when the query is not valid. */
  query(expr: string): Promise<Sample[]>;
  /** The loaded alerting and recording rules with their health. */
  rules(): Promise<z.infer<typeof rulesAnswer>['data']['groups']>;
  stop(): Promise<void>;
}

/** Starts Prometheus on a free loopback port, scraping `targets` every second, with `ruleFiles` loaded. */
export async function startPrometheus(
  targets: readonly string[],
  ruleFiles: readonly string[],
): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-prometheus-'));
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    scrape_configs: [{ job_name: 'courant', static_configs: [{ targets }] }],
  };
  // JSON is YAML: no serializer needed.
  await writeFile(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = await freePort();
  const server = await startProcess(
    'prometheus',
    prometheusTool('prometheus'),
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    path.join(dir, 'prometheus.log'),
  );
  await waitForPort('127.0.0.1', port, {
    timeoutMs: WAIT_DEADLINE_MS,
    what: 'prometheus',
    alive: () => server.isAlive(),
  });
  const url = `http://127.0.0.1:${port}`;
  const api = async (route: string) => {
    const response = await fetch(`${url}${route}`);
    const body: unknown = await response.json();
    if (!response.ok) throw new Error(`Prometheus ${route} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
    url,
    async query(expr) {
      return queryAnswer.parse(await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)).data.result;
    },
    async rules() {
      return rulesAnswer.parse(await api('/api/v1/rules')).data.groups;
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
