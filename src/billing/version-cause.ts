/** Why a version of a month was billed, in a few words, as the CLI and the console say it. */
import type { BillingVersion } from './billing-record.js';

/** `v2 2024-04-02T09:00:00.000Z: late day 2024-03-31 (raw/enedis/…)`, `v3 …: rates`, `v1 …: schedule`. */
export function causeText(version: BillingVersion): string {
  const why = version.triggers.map((t) =>
    t.kind === 'late-day' ? `late day ${t.date ?? '?'}${t.flows?.length ? ` (${t.flows.join(', ')})` : ''}` : t.kind,
  );
  return `v${version.version} ${version.at}: ${why.length > 0 ? [...new Set(why)].join('; ') : 'first billing'}`;
}
