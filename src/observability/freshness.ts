/**
 * Freshness per dataset: seconds since the end of its newest succeeded Paris day, computed at each
 * scrape. Known from the day records at start (seed) and from the days this worker finishes.
 */
import { Gauge, type Registry } from 'prom-client';
import { parisDateOf, parisDayBounds } from '../workflow-safe/partition.js';
import type { RecordStore } from '../storage/records.js';

/** How far back the day records are read at start for a dataset's newest succeeded day. */
const SEED_DAYS = 400;
const DAY_MS = 86_400_000;

export class Freshness {
  private readonly newest = new Map<string, string>();

  /** Registers `courant_dataset_freshness_seconds` on `registry`; `now` is read at each scrape. */
  constructor(registry: Registry, now: () => Date = () => new Date()) {
    const newest = this.newest;
    new Gauge({
      name: 'courant_dataset_freshness_seconds',
      help: 'Seconds since the end of the newest succeeded Paris day of the dataset; absent until one succeeded.',
      labelNames: ['dataset'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const at = now().getTime();
        for (const [dataset, date] of newest) {
          this.set({ dataset }, (at - parisDayBounds(date).end.getTime()) / 1000);
        }
      },
    });
  }

  /** Notes a succeeded day; a day older than the newest known changes nothing. */
  succeeded(dataset: string, date: string): void {
    const known = this.newest.get(dataset);
    if (known === undefined || date > known) this.newest.set(dataset, date);
  }

  /** Reads the newest succeeded day of each dataset from the day records of the last 400 days. */
  async seed(records: Pick<RecordStore, 'listDayStatuses'>, datasets: readonly string[], now: Date): Promise<void> {
    const from = parisDateOf(new Date(now.getTime() - SEED_DAYS * DAY_MS));
    const runs = await records.listDayStatuses({ from, to: parisDateOf(now), datasets });
    for (const run of runs) if (run.status === 'succeeded') this.succeeded(run.dataset, run.date);
  }
}
