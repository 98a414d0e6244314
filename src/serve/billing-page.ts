/**
 * The console's billing pages: `/billing/{YYYY-MM}`, a month as last billed (its totals, its runs
 * and why each ran, the contracts with problems, each linked to its history), and
 * `/contracts/{prm}/{contract}`, a contract's history (its C15 events and its row of every billed
 * month). Amounts in euros, energies in kWh; no figure is computed here.
 */
import type { ContractMonth } from '../billing/billing.js';
import { totalAmountText, type BillingSummary, type BillingTotals } from '../billing/billing-record.js';
import type { ContractEvent } from '../billing/stored-month.js';
import type { BillingPending } from '../billing/month-pending.js';
import { VersionNotStoredError, type MonthVersionChanges } from '../billing/version-changes.js';
import { causeText } from '../billing/version-cause.js';
import { escapeHtml, formatNumber, longMonth } from '../reports/format.js';
import { table, tile } from '../reports/html/layout.js';
import { consolePage } from './console-page.js';

const euros = (value: number | null) => (value === null ? '–' : `${value.toFixed(2)} €`);

/** The link to a contract's history, or the PRM alone for an event without a contract reference. */
function contractLink(prm: string, contract: string | null): string {
  if (contract === null) return `${escapeHtml(prm)} (no contract reference)`;
  const href = `/contracts/${encodeURIComponent(prm)}/${encodeURIComponent(contract)}`;
  return `<a class="contract" href="${escapeHtml(href)}">${escapeHtml(prm)} · ${escapeHtml(contract)}</a>`;
}

const problemsText = (c: ContractMonth) =>
  `<div class="text">${c.problems.map((p) => `<code>${escapeHtml(p.code)}</code> ${escapeHtml(p.message)}`).join('<br>')}</div>`;

function runsTable(record: BillingSummary): string {
  return table(
    ['billed at', 'figures', 'why'],
    [...record.runs]
      .reverse()
      .map((run) => [
        escapeHtml(run.at),
        run.changed ? '<strong>moved</strong>' : 'unchanged',
        run.triggers
          .map((t) =>
            t.kind === 'late-day'
              ? `late day ${escapeHtml(t.date ?? '?')}${t.flows?.length ? ` (${t.flows.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')})` : ''}`
              : escapeHtml(t.kind),
          )
          .join('; '),
      ]),
  );
}

/** A total amount's tile: an incomplete total shown as such (`≥`, or `–` when nothing is computed), with why. */
function amountTile(name: string, value: number, leftOut: number, billable: number): string {
  const text = totalAmountText(value, leftOut, billable);
  return tile(name, text.value, text.note ?? undefined);
}

/** What the month's totals leave out or count twice, and the days billing could not read. */
function perimeterNotes(totals: BillingTotals, record: BillingSummary | null): string {
  const notes = [
    ...(totals.overlapPrmDays > 0
      ? [
          `${formatNumber(totals.overlapPrmDays)} PRM-day(s) are billed on two contracts (<code>overlapping_contracts</code>).`,
        ]
      : []),
    ...(totals.readingsWithoutContract > 0
      ? [
          `${formatNumber(totals.readingsWithoutContract)} PRM(s) were read with no contract in force (<code>readings_without_contract</code>).`,
        ]
      : []),
    ...(record?.unusableDays ?? []).map((d) => `${escapeHtml(d.date)} not read: ${escapeHtml(d.why)}.`),
    ...((record?.unusableDaysOmitted ?? 0) > 0
      ? [`And ${formatNumber(record?.unusableDaysOmitted ?? 0)} more day(s) not read.`]
      : []),
  ];
  return notes.length === 0
    ? ''
    : `<section data-perimeter-notes>${notes.map((n) => `<p class="note">${n}</p>`).join('')}</section>`;
}

export interface MonthPageInput {
  readonly month: string;
  readonly totals: BillingTotals;
  /** The month's record when the workflow billed it; null when only `courant billing` wrote it. */
  readonly record: BillingSummary | null;
  /** The contracts with problems, at most `shownProblems` of them. */
  readonly withProblems: readonly ContractMonth[];
  readonly shownProblems: number;
  /** What moved from the version before the latest to the latest (its first contracts, and how many in all); null without a record. */
  /** What moved in the last version; the error when the version before it is no longer stored. */
  readonly changes: MonthVersionChanges | VersionNotStoredError | null;
  /** The month's billing that fails, with the requests it keeps; null when none fails. */
  readonly pending: BillingPending | null;
}

/** The notice of a month whose billing fails: the figures shown are older than the requests it keeps. */
function pendingNotice(pending: BillingPending | null): string {
  const f = pending?.failing;
  if (pending === null || f === null || f === undefined) return '';
  const next = f.nextAt === undefined ? 'stopped until a release mends it' : `tried again at ${escapeHtml(f.nextAt)}`;
  const kept = pending.triggers.map((t) => escapeHtml(t.kind + (t.date ? ` ${t.date}` : ''))).join(', ');
  return (
    `<section data-billing-pending><p class="note"><strong>A correction is pending:</strong> billing fails since ` +
    `${escapeHtml(f.since)} (${f.attempts} time(s)): ${escapeHtml(f.why)}; ${next}. ` +
    `The figures below are the last version, older than the ${pending.triggers.length} request(s) kept (${kept}).</p></section>`
  );
}

const signedEuros = (value: number | null) =>
  value === null ? '–' : `${value > 0 ? '+' : value < 0 ? '−' : ''}${formatNumber(Math.abs(value), 2)} €`;

/** The section "What moved": the contracts whose figures moved in the last version, with the deltas and the causes. */
function changesSection(month: string, changes: MonthVersionChanges | VersionNotStoredError | null): string {
  if (changes instanceof VersionNotStoredError)
    return `<h2>What moved</h2><section data-changes><p>${escapeHtml(changes.message)}.</p></section>`;
  if (changes === null || changes.from.version === changes.to.version)
    return '<h2>What moved</h2><section data-changes><p>One version: nothing has moved since the month was first billed.</p></section>';
  const causes = changes.causes.map((v) => `<li>${escapeHtml(causeText(v))}</li>`).join('');
  const rows = changes.contracts.map((c) => [
    contractLink(c.prm, c.contract),
    escapeHtml(c.change),
    `${c.before?.days ?? '∅'} → ${c.after?.days ?? '∅'}`,
    signedEuros(c.deltaEur.turpeFixedEur),
    signedEuros(c.deltaEur.turpeVariableEur),
    signedEuros(c.deltaEur.ctaEur),
  ]);
  const more =
    changes.moved > changes.contracts.length
      ? `<p class="note">The first ${formatNumber(changes.contracts.length)} of ${formatNumber(changes.moved)}; every contract: <a href="/api/v1/billing/changes?month=${month}">the API</a>.</p>`
      : '';
  return (
    `<h2>What moved</h2><section data-changes><p>From version ${changes.from.version} to ${changes.to.version}: ` +
    `${formatNumber(changes.moved)} contract(s), because of:</p><ul>${causes}</ul>` +
    (rows.length === 0
      ? ''
      : table(['contract', 'change', 'days', 'Δ TURPE fixed', 'Δ TURPE variable', 'Δ CTA'], rows) + more) +
    `</section>`
  );
}

export function billingMonthPage(input: MonthPageInput): string {
  const { month, totals, record } = input;
  const tiles =
    `<div class="tiles">` +
    tile('contracts', formatNumber(totals.contracts), `${formatNumber(totals.days)} days supplied`) +
    tile('with problems', formatNumber(totals.withProblems)) +
    amountTile('TURPE fixed', totals.turpeFixedEur, totals.leftOut.turpeFixedEur, totals.billable) +
    amountTile('TURPE variable', totals.turpeVariableEur, totals.leftOut.turpeVariableEur, totals.billable) +
    amountTile('CTA', totals.ctaEur, totals.leftOut.ctaEur, totals.billable) +
    `</div>` +
    pendingNotice(input.pending) +
    perimeterNotes(totals, record);
  const runs = record
    ? `<h2>Runs</h2><p data-moved-at="${escapeHtml(record.movedAt)}">Figures last moved at ${escapeHtml(record.movedAt)}.</p>${runsTable(record)}`
    : '<p class="note">Written by <code>courant billing</code>: no run of the billing workflow recorded yet.</p>';
  const more =
    totals.withProblems > input.withProblems.length
      ? `<p class="note">The first ${formatNumber(input.shownProblems)} of ${formatNumber(totals.withProblems)}; every contract: <a href="/api/v1/billing?month=${month}">the API</a>.</p>`
      : '';
  const problems =
    input.withProblems.length === 0
      ? '<p>No contract has a problem.</p>'
      : table(
          ['contract', 'FTA', 'days', 'quality', 'problems'],
          input.withProblems.map((c) => [
            contractLink(c.prm, c.contract),
            escapeHtml(c.fta ?? '–'),
            formatNumber(c.days),
            escapeHtml(c.quality ?? '–'),
            problemsText(c),
          ]),
        ) + more;
  return consolePage({
    title: `Billing ${month}`,
    subtitle: `${longMonth(month)}: the billing elements per contract, as last billed (amounts before taxes, in euros).`,
    body:
      tiles +
      `<p><a href="/api/v1/billing?month=${month}">Every contract in JSON</a> · Parquet: <code>billing/month=${month}/billing_elements.parquet</code></p>` +
      `<h2>Contracts with problems</h2><section data-problems>${problems}</section>` +
      changesSection(month, input.changes) +
      runs,
    kind: 'billing-month',
  });
}

export interface ContractPageInput {
  readonly prm: string;
  readonly contract: string;
  readonly events: readonly ContractEvent[];
  readonly months: ReadonlyArray<ContractMonth & { readonly month: string }>;
}

export function contractPage(input: ContractPageInput): string {
  const events =
    input.events.length === 0
      ? '<p>No C15 event stored for this contract.</p>'
      : table(
          ['day', 'event', 'kind', 'FTA', 'kVA'],
          input.events.map((e) => [
            escapeHtml(e.date),
            escapeHtml(e.event),
            escapeHtml(e.kind),
            escapeHtml(e.fta ?? '–'),
            escapeHtml(e.kva ?? '–'),
          ]),
        );
  const months =
    input.months.length === 0
      ? '<p>No billed month holds this contract.</p>'
      : table(
          ['month', 'days', 'mean kVA', 'FTA', 'kWh', 'quality', 'TURPE fixed', 'TURPE variable', 'CTA', 'problems'],
          input.months.map((m) => [
            `<a href="/billing/${escapeHtml(m.month)}">${escapeHtml(m.month)}</a>`,
            formatNumber(m.days),
            formatNumber(m.meanKva, 3),
            escapeHtml(m.fta ?? '–'),
            formatNumber(m.energyKWh.base),
            escapeHtml(m.quality ?? '–'),
            euros(m.turpeFixedEur),
            euros(m.turpeVariableEur),
            euros(m.ctaEur),
            problemsText(m),
          ]),
        );
  const source = input.months.at(-1)?.source;
  const starts =
    source === undefined || source === null
      ? ''
      : `<p data-source>Starts from ${source === 'snapshot' ? 'the go-live snapshot (<code>courant perimeter import</code>)' : 'its C15 entry'}.</p>`;
  return consolePage({
    title: `${input.prm} · ${input.contract}`,
    subtitle: 'A contract: its C15 events and its row of every billed month.',
    body: `${starts}<h2>Events</h2><section data-events>${events}</section><h2>Months</h2><section data-months>${months}</section>`,
    kind: 'contract',
  });
}

/** The page of a month not billed yet (answered with 404). */
export function notBilledPage(month: string): string {
  return consolePage({
    title: `Billing ${month}`,
    subtitle: `${longMonth(month)} is not billed yet.`,
    body: `<p>The billing schedule bills it early in the next month; <code>courant billing --month ${month}</code> bills it now.</p>`,
    kind: 'billing-month',
  });
}
