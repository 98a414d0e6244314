/** The months of a range whose billing fails (their pending record, docs/billing.md "The month's invariant"), for `courant status`. */
import { getBillingPending, type BillingPending } from '../billing/month-pending.js';
import type { RecordStore } from '../storage/records.js';
import { datesInRange } from '../workflow-safe/partition.js';
import { monthOf } from '../workflow-safe/periods.js';

/** The failing billings of the months the days `from`–`to` fall in, oldest first. */
export async function failingBillings(records: RecordStore, from: string, to: string): Promise<BillingPending[]> {
  const months = [...new Set(datesInRange(from, to).map(monthOf))];
  const found: BillingPending[] = [];
  for (const month of months) {
    const pending = await getBillingPending(records, month);
    if (pending !== null) found.push(pending);
  }
  return found;
}

/** One line per failing billing: since when, how often, why, when next, and the requests it keeps. */
export function failingBillingsText(failing: readonly BillingPending[]): string {
  return failing
    .flatMap(({ month, failing: f, triggers }) =>
      f === null
        ? []
        : [
            `billing ${month}: failing since ${f.since} (${f.attempts} time(s)): ${f.why}; ` +
              (f.nextAt === undefined ? 'stopped until a release mends it' : `tried again at ${f.nextAt}`) +
              `; ${triggers.length} request(s) kept (${triggers.map((t) => t.kind + (t.date ? ` ${t.date}` : '')).join(', ')})\n`,
          ],
    )
    .join('');
}
