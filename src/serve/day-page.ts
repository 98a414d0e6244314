/**
 * `/days/{date}`: each dataset's record of the day: status, attempt, stage, rows, the error with
 * what to do, the quality checks, the run in the Temporal Web UI, the command that re-runs it, and
 * the files on an SFTP server its readings came from.
 */
import { escapeHtml, formatNumber, longDay } from '../reports/format.js';
import { statusBadge, table } from '../reports/html/layout.js';
import { whatToDo } from '../workflow-safe/failure-advice.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { blockingChecks } from '../workflow-safe/quality.js';
import type { DayRun, SftpFileRecord } from '../storage/records.js';
import { consolePage } from './console-page.js';
import type { DayCell } from '../day-status/cells.js';
import { DAY_STATUS_LABEL } from '../day-status/status.js';

export interface DayPageInput {
  readonly date: string;
  /** Each dataset shown, with its cell and its record when there is one. */
  readonly datasets: ReadonlyArray<{
    readonly cell: DayCell;
    readonly run: DayRun | null;
    /** The files fetched by SFTP among the run's inputs (`remote-files.ts`). */
    readonly remoteFiles?: readonly SftpFileRecord[];
  }>;
  /** TEMPORAL_UI_URL and the namespace; null: no links. */
  readonly temporalUi: { readonly url: string; readonly namespace: string } | null;
  /** Whether the day's HTML report is stored. */
  readonly hasReport: boolean;
}

/** The Web UI page of a run's history. */
export function temporalRunUrl(
  ui: { url: string; namespace: string },
  run: Pick<DayRun, 'workflowId' | 'runId'>,
): string {
  const parts = ['namespaces', ui.namespace, 'workflows', run.workflowId, run.runId, 'history'];
  return `${ui.url}/${parts.map(encodeURIComponent).join('/')}`;
}

/** The commands that re-run the dataset's day; for a day a check blocked, also the one accepting the check. */
export function rerunCommands(date: string, dataset: string, run: DayRun | null): string[] {
  const base = `courant run --date ${date} --datasets ${dataset} --wait`;
  if (run?.error?.type !== ErrorType.DataQuality) return [base];
  const accepts = blockingChecks(run.checks ?? []).map((c) => ` --accept-check ${c.name}`);
  return accepts.length > 0 ? [base, `${base}${accepts.join('')}`] : [base];
}

function checksTable(run: DayRun): string {
  const checks = run.checks ?? [];
  if (checks.length === 0) return '<p class="note">No quality check recorded.</p>';
  return table(
    ['check', 'severity', 'result', 'observed', 'limit', 'rows involved'],
    checks.map((c) => [
      `<span title="${escapeHtml(c.description)}">${escapeHtml(c.name)}</span>`,
      escapeHtml(c.severity),
      c.passed
        ? statusBadge('succeeded')
        : c.accepted
          ? 'accepted'
          : statusBadge(c.severity === 'block' ? 'failed' : 'partial'),
      c.observed === null ? '–' : escapeHtml(formatNumber(c.observed, 4)),
      escapeHtml(c.threshold),
      formatNumber(c.rowsInvolved),
    ]),
  );
}

function facts(entries: ReadonlyArray<readonly [string, string]>): string {
  return `<dl class="facts">${entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function remoteFilesTable(files: readonly SftpFileRecord[]): string {
  if (files.length === 0) return '';
  return (
    `<h3>From the SFTP server</h3>` +
    table(
      ['file on the server', 'its time there', 'fetched', 'bytes'],
      files.map((f) => [
        `<span class="remote-file">${escapeHtml(f.name)}</span>`,
        escapeHtml(f.mtime),
        escapeHtml(f.fetchedAt),
        formatNumber(f.size),
      ]),
    )
  );
}

function recordSection(
  date: string,
  { cell, run, remoteFiles }: DayPageInput['datasets'][number],
  ui: DayPageInput['temporalUi'],
): string {
  const title = `<h2>${escapeHtml(cell.dataset)} ${statusBadge(DAY_STATUS_LABEL[cell.status])}</h2>`;
  const commands = rerunCommands(date, cell.dataset, run)
    .map((c) => `<pre class="command">${escapeHtml(c)}</pre>`)
    .join('');
  if (!run) {
    const why = cell.status === 'late' ? 'No record, and the day is past its due time.' : 'No record of this day yet.';
    return `<section class="record" id="${cell.dataset}" data-dataset="${cell.dataset}">${title}<p>${why}</p><p>Run it:</p>${commands}</section>`;
  }
  const rejects = run.rows && run.rows.rejected > 0 ? run.outputs.filter((key) => key.endsWith('.rejects.jsonl')) : [];
  const rows = run.rows
    ? `${formatNumber(run.rows.read)} read, ${formatNumber(run.rows.written)} written, ${formatNumber(run.rows.rejected)} rejected` +
      (rejects.length > 0 ? ` (in <code data-rejects>${escapeHtml(rejects.join(', '))}</code>)` : '')
    : '–';
  const link = ui
    ? `<a class="temporal" href="${escapeHtml(temporalRunUrl(ui, run))}">${escapeHtml(run.workflowId)} in the Temporal Web UI</a>`
    : `${escapeHtml(run.workflowId)} (set TEMPORAL_UI_URL to link the Web UI)`;
  const advice = run.error ? whatToDo(run.error.type, run.dataset, run.date) : null;
  const error = run.error
    ? `<div class="error" data-error="${escapeHtml(run.error.type)}"><p><strong>${escapeHtml(run.error.type)}</strong>: ${escapeHtml(run.error.message)}</p>` +
      (advice ? `<p class="advice"><strong>What to do:</strong> ${escapeHtml(advice)}</p>` : '') +
      `</div>`
    : '';
  return (
    `<section class="record" id="${cell.dataset}" data-dataset="${cell.dataset}">${title}` +
    facts([
      ['attempt', String(run.attempt)],
      ['stage', escapeHtml(run.stage)],
      ['kind', escapeHtml(run.runKind)],
      ['started', escapeHtml(run.startedAt)],
      ['finished', escapeHtml(run.finishedAt ?? '–')],
      ['rows', rows],
      ['run', link],
      ['code version', escapeHtml(run.codeVersion)],
    ]) +
    error +
    remoteFilesTable(remoteFiles ?? []) +
    `<h3>Quality checks</h3>${checksTable(run)}<p>Re-run the day (safe: every step is idempotent):</p>${commands}</section>`
  );
}

export function dayPage(input: DayPageInput): string {
  const report = input.hasReport
    ? `<p><a href="/reports/dt=${input.date}/daily_report.html">The day's report, with its charts</a></p>`
    : '<p class="note">No report stored for this day.</p>';
  return consolePage({
    title: input.date,
    subtitle: `${longDay(input.date)}, Paris day: each dataset's record.`,
    body: report + input.datasets.map((shown) => recordSection(input.date, shown, input.temporalUi)).join(''),
    kind: 'day',
  });
}
