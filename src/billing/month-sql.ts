/**
 * The billing elements of one calendar month, one row per contract, as one DuckDB query over the
 * stored C15 events, the index readings and the rates tables (`rates-sql.ts`). The rules, their
 * sources and the rounding are in docs/billing.md; in short:
 *
 * - sub-periods: the contract's situations (`contracts-sql.ts`) clipped to its supplied days and
 *   to the month (cut at 00:00 Paris on the 1st): `[from, to)`, days = to − from;
 * - fixed part of a sub-period, in cents: (management + metering + power) € per year × 100 × days
 *   ÷ 365, rounded half up (amounts are ≥ 0: half away from zero) in exact integer arithmetic; the
 *   power is b × kVA up to 36 kVA; above (C4) b1·P1 + Σ bi·(Pi − Pi−1), which is b1 × kVA since the
 *   C15 states one subscribed power (P1 = … = P4);
 * - CTA: the month's fixed part (the sum of its sub-periods' rounded parts) × the CTA rate in force
 *   (on each sub-period's first day; summed per rate), rounded the same, once;
 * - energy: per distributor class, the index differences between the readings bounding the
 *   contract-month (its first day's 00:00, its last supplied day's end, and every C15 reading
 *   between), the reading of an instant chosen as `courant energies` does (C15 first); HP = HPH +
 *   HPB + HP, HC = HCH + HCB + HC, BASE = all; quality the worst of the bounds, `missing` (no
 *   energy, no variable part) when a bound has no reading;
 * - variable part: each class's kWh × its c€/kWh at the FTA's granularity, each energy segment (between
 *   two bounding readings) priced with the FTA and rate of the sub-period it ends in — the energy
 *   before an FTA change the C15 read is priced with the FTA it was used under — summed exactly and
 *   rounded half up to the cent once for the month.
 */
import { PARTITION_TIMEZONE } from '../workflow-safe/partition.js';
import { sqlString } from '../duckdb/columns.js';
import { priority } from '../datasets/enedis/energies.js';
import { contractsSql, eventsSql } from './contracts-sql.js';

export interface MonthSqlInput {
  /** `YYYY-MM`. */
  readonly month: string;
  /** `contract_events` tables of every stored day up to the month's end. */
  readonly eventFiles: readonly string[];
  /** `index_readings` tables of the month's days and the day before. */
  readonly readingFiles: readonly string[];
  /** Only these PRMs (all when empty). */
  readonly prms: readonly string[];
  /** Only the PRMs from `from` (included) to `to` (excluded), each bound absent: unbounded. */
  readonly prmRange?: { readonly from: string | null; readonly to: string | null };
}

/**
 * `exact ÷ divisor` rounded half up to an integer, for a DECIMAL `exact` ≥ 0 of at most 9 decimals
 * (a rate's 6 times a kVA's 3) and an integer `divisor` > 0: in HUGEINT units of 10⁻⁹, exact.
 */
const halfUp = (exact: string, divisor: string) =>
  `((2 * ((${exact})::DECIMAL(38, 9) * 1000000000)::HUGEINT + (${divisor})::HUGEINT * 1000000000)
     // (2 * (${divisor})::HUGEINT * 1000000000))`;

/** A kVA as text without trailing zeros (`6.000` → `6`, `6.500` → `6.5`). */
const KVA_TEXT = `rtrim(rtrim(kva::VARCHAR, '0'), '.')`;

/**
 * `list(value ORDER BY keys…)`, as a plain list sorted after: an ordered aggregate sorts each group
 * on its own, slow over a hundred thousand groups. Ties on the keys are ordered by the values.
 */
const sortedList = (value: string, keys: readonly string[], filter = '') =>
  `list_transform(list_sort(list({${keys.map((k, i) => `'k${i}': ${k}`).join(', ')}, 'v': ${value}})${filter === '' ? '' : ` FILTER (WHERE ${filter})`}), x -> x.v)`;

/** Whole cents as exact euros. */
const euros = (cents: string) => `((${cents})::DECIMAL(18, 0) * 0.01)::DECIMAL(18, 2)`;

const READING_COLUMNS = 'prm, flow, reading_at, class, index_kwh, nature, qualification, calendar';

/**
 * The distributor readings of `files`. A reading's instant closes one Paris day, so all readings of
 * an instant are in that day's file: between two of one flow and side, the calendar then the index
 * decide (the file could not).
 */
const readingsSql = (files: readonly string[]) =>
  files.length === 0
    ? `SELECT NULL::VARCHAR AS prm, NULL::VARCHAR AS flow, NULL::TIMESTAMPTZ AS reading_at, NULL::VARCHAR AS class,
        NULL::BIGINT AS index_kwh, NULL::VARCHAR AS nature, NULL::VARCHAR AS qualification, NULL::VARCHAR AS calendar WHERE false`
    : `SELECT ${READING_COLUMNS} FROM read_parquet([${files.map(sqlString).join(', ')}]) WHERE class_kind = 'distributor'`;

/**
 * The rows of `input`'s `index_readings` files the month's query can use, in their columns it reads,
 * in PRM order: the distributor readings of the C15, and the others at 00:00 Paris on the month's
 * first day, on the day after its last, or on a day one of the PRM's events is dated in the month.
 * A contract-month's bounds are among these instants: each is the month's start or end, or the day
 * of one of its events (its entry, its exit, its first event, a change); the query keeps the C15
 * readings and the readings at its bounds, nothing else. A month billed in slices reads these once
 * (most of the month's R151 readings, one a day and class, dropped in one scan) rather than every
 * reading once a slice.
 */
export function monthReadingsSql(input: MonthSqlInput): string {
  const zone = sqlString(PARTITION_TIMEZONE);
  const midnight = (day: string) => `timezone(${zone}, (${day})::TIMESTAMP)`;
  const mStart = `DATE '${input.month}-01'`;
  const mEnd = `(DATE '${input.month}-01' + INTERVAL 1 MONTH)::DATE`;
  const eventDays =
    input.eventFiles.length === 0
      ? 'SELECT NULL::VARCHAR AS prm, NULL::TIMESTAMPTZ AS instant WHERE false'
      : `SELECT DISTINCT prm, ${midnight('event_date')} AS instant
         FROM read_parquet([${input.eventFiles.map(sqlString).join(', ')}], union_by_name = true)
         WHERE event_date >= ${mStart} AND event_date <= ${mEnd}`;
  return `SELECT ${READING_COLUMNS}, class_kind FROM read_parquet([${input.readingFiles.map(sqlString).join(', ')}])
    WHERE class_kind = 'distributor'
      AND (flow = 'C15' OR reading_at IN (${midnight(mStart)}, ${midnight(mEnd)}) OR (prm, reading_at) IN (${eventDays}))
    ORDER BY prm`;
}

/** The month's billing query: one row per contract (see the module's doc), ordered by PRM and contract. */
export function billingMonthSql(input: MonthSqlInput): string {
  const zone = sqlString(PARTITION_TIMEZONE);
  const mStart = `DATE '${input.month}-01'`;
  const mEnd = `(DATE '${input.month}-01' + INTERVAL 1 MONTH)::DATE`;
  const only = (column: string) =>
    [
      input.prms.length === 0 ? '' : `AND ${column} IN (${input.prms.map(sqlString).join(', ')})`,
      input.prmRange?.from == null ? '' : `AND ${column} >= ${sqlString(input.prmRange.from)}`,
      input.prmRange?.to == null ? '' : `AND ${column} < ${sqlString(input.prmRange.to)}`,
    ].join(' ');
  const midnight = (day: string) => `timezone(${zone}, (${day})::TIMESTAMP)`;
  return `
WITH ev AS (SELECT * FROM (${eventsSql(input.eventFiles, mEnd)}) WHERE true ${only('prm')}),
contracts AS (${contractsSql('ev')}),
ordered AS (
  SELECT *, row_number() OVER (PARTITION BY prm, contract
      ORDER BY event_at, CASE kind WHEN 'entry' THEN 0 WHEN 'exit' THEN 2 ELSE 1 END, event, fta, kva) AS seq
  FROM ev WHERE contract IS NOT NULL AND kind <> 'exit'),
changes AS (
  SELECT prm, contract, seq, event_date, fta, kva,
    lag(fta) OVER w AS fta_before, lag(kva) OVER w AS kva_before
  FROM ordered
  WINDOW w AS (PARTITION BY prm, contract ORDER BY seq)
  QUALIFY seq = 1 OR fta IS DISTINCT FROM fta_before OR kva IS DISTINCT FROM kva_before),
situations AS (
  SELECT ch.*, c.since, c.exit_date,
    lead(ch.event_date) OVER (PARTITION BY ch.prm, ch.contract ORDER BY ch.seq) AS next_date
  FROM changes ch JOIN contracts c USING (prm, contract)),
periods AS (
  SELECT prm, contract, fta, kva,
    greatest(event_date, since, ${mStart}) AS from_date,
    least(coalesce(next_date, DATE '9999-12-31'), coalesce(exit_date, DATE '9999-12-31'), ${mEnd}) AS to_date,
    (to_date - from_date)::INTEGER AS days
  FROM situations WHERE from_date < to_date),
priced AS (
  SELECT p.*, r.granularity,
    CASE WHEN p.kva IS NULL OR p.kva <= 0 OR p.kva > 250 OR r.fta IS NULL THEN NULL
      ELSE r.management + r.metering + CASE WHEN r.power IS NOT NULL THEN r.power * p.kva
        ELSE r.b1 * p.kva END END AS annual_eur,
    ${halfUp('annual_eur * 100 * days', '365')} AS fixed_cents,
    cta.rate_percent AS cta_percent,
    r.fta IS NULL AS no_rate
  FROM periods p
  LEFT JOIN turpe_rates r ON r.fta = p.fta AND r.valid_from <= p.from_date AND (r.valid_to IS NULL OR p.from_date < r.valid_to)
  LEFT JOIN cta_rates cta ON cta.valid_from = (SELECT max(valid_from) FROM cta_rates WHERE valid_from <= p.from_date)),
months AS (
  SELECT prm, contract FROM periods
  UNION SELECT prm, contract FROM ev WHERE contract IS NOT NULL AND event_date >= ${mStart}),
bounds AS (
  SELECT prm, contract, ${midnight('min(from_date)')} AS start_at, ${midnight('max(to_date)')} AS end_at
  FROM periods GROUP BY prm, contract),
bound_keys AS (SELECT prm, start_at AS instant FROM bounds UNION SELECT prm, end_at FROM bounds),
rd AS MATERIALIZED (
  SELECT r.* FROM (${readingsSql(input.readingFiles)}) r LEFT JOIN bound_keys k ON k.prm = r.prm AND k.instant = r.reading_at
  WHERE (r.flow = 'C15' OR k.prm IS NOT NULL) ${only('r.prm')}),
instants AS (
  SELECT prm, contract, start_at AS instant FROM bounds
  UNION SELECT prm, contract, end_at FROM bounds
  UNION SELECT b.prm, b.contract, r.reading_at FROM bounds b
    JOIN rd r ON r.prm = b.prm AND r.flow = 'C15' AND r.reading_at > b.start_at AND r.reading_at < b.end_at),
segments AS (
  SELECT prm, contract, instant AS seg_start, lead(instant) OVER (PARTITION BY prm, contract ORDER BY instant) AS seg_end
  FROM instants QUALIFY seg_end IS NOT NULL),
starts AS (
  SELECT s.prm, s.contract, s.seg_start, r.class, r.index_kwh, r.nature
  FROM segments s JOIN rd r ON r.prm = s.prm AND r.reading_at = s.seg_start
  QUALIFY row_number() OVER (PARTITION BY s.prm, s.contract, s.seg_start, r.class
    ORDER BY ${priority('after', 'before')} DESC, r.calendar DESC, r.index_kwh DESC) = 1),
ends AS (
  SELECT s.prm, s.contract, s.seg_start, r.class, r.index_kwh, r.nature
  FROM segments s JOIN rd r ON r.prm = s.prm AND r.reading_at = s.seg_end
  QUALIFY row_number() OVER (PARTITION BY s.prm, s.contract, s.seg_start, r.class
    ORDER BY ${priority('before', 'after')} DESC, r.calendar DESC, r.index_kwh DESC) = 1),
steps AS (
  SELECT s.prm, s.contract, s.seg_start, s.seg_end, coalesce(a.class, b.class) AS class,
    b.index_kwh - a.index_kwh AS kwh,
    CASE WHEN a.class IS NULL THEN s.seg_start WHEN b.class IS NULL THEN s.seg_end END AS missing_at,
    a.nature = 'estimated' OR b.nature = 'estimated' AS estimated
  FROM segments s
  JOIN (SELECT prm, contract, seg_start, class FROM starts UNION SELECT prm, contract, seg_start, class FROM ends) k
    USING (prm, contract, seg_start)
  LEFT JOIN starts a USING (prm, contract, seg_start, class)
  LEFT JOIN ends b USING (prm, contract, seg_start, class)),
missing AS (
  SELECT prm, contract, seg_start AS instant FROM segments ANTI JOIN starts USING (prm, contract, seg_start)
  UNION SELECT prm, contract, seg_end FROM segments ANTI JOIN ends USING (prm, contract, seg_start)
  UNION SELECT prm, contract, missing_at FROM steps WHERE missing_at IS NOT NULL),
energy AS (
  SELECT b.prm, b.contract,
    CASE WHEN m.missing_at IS NOT NULL THEN 'missing' WHEN bool_or(s.estimated) THEN 'estimated' ELSE 'real' END AS quality,
    coalesce(bool_or(s.kwh < 0), false) AS decreased, m.missing_at,
    sum(kwh) FILTER (WHERE class = 'HPH') AS hph, sum(kwh) FILTER (WHERE class = 'HCH') AS hch,
    sum(kwh) FILTER (WHERE class = 'HPB') AS hpb, sum(kwh) FILTER (WHERE class = 'HCB') AS hcb,
    sum(kwh) FILTER (WHERE class IN ('HPH', 'HPB', 'HP')) AS hp, sum(kwh) FILTER (WHERE class IN ('HCH', 'HCB', 'HC')) AS hc,
    sum(kwh) AS base
  FROM bounds b
  LEFT JOIN steps s USING (prm, contract)
  LEFT JOIN (SELECT prm, contract, list_sort(list(DISTINCT strftime(timezone(${zone}, instant), '%Y-%m-%d %H:%M'))) AS missing_at
             FROM missing GROUP BY prm, contract) m USING (prm, contract)
  GROUP BY b.prm, b.contract, m.missing_at),
fixed AS (
  SELECT prm, contract, sum(days)::INTEGER AS days,
    round(sum(kva * days) / sum(days), 3)::DOUBLE AS mean_kva,
    arg_max(fta, from_date) AS fta,
    ${sortedList(
      `{'from': strftime(from_date, '%Y-%m-%d'), 'to': strftime(to_date, '%Y-%m-%d'), 'days': days, 'fta': fta,
          'kva': kva::DOUBLE, 'turpeFixedEur': ${euros('fixed_cents')}}`,
      ['from_date'],
    )} AS periods,
    CASE WHEN bool_and(fixed_cents IS NOT NULL) THEN sum(fixed_cents) END AS fixed_cents,
    ${sortedList(`{'code': 'no_rate', 'message': 'no TURPE rate for ' || coalesce(fta, 'no FTA') || ' on ' || strftime(from_date, '%Y-%m-%d')}`, ['from_date'], 'no_rate')} AS no_rate,
    ${sortedList(`{'code': 'kva_out_of_range', 'message': 'subscribed power ' || coalesce(kva::VARCHAR, 'none') || ' kVA from ' || strftime(from_date, '%Y-%m-%d') || ' is not in ]0, 250]'}`, ['from_date'], 'kva IS NULL OR kva <= 0 OR kva > 250')} AS bad_kva,
    ${sortedList(`{'code': 'no_cta_rate', 'message': 'no CTA rate on ' || strftime(from_date, '%Y-%m-%d')}`, ['from_date'], 'cta_percent IS NULL')} AS no_cta
  FROM priced GROUP BY prm, contract),
cta_by_rate AS (
  SELECT prm, contract, bool_and(fixed_cents IS NOT NULL) AND cta_percent IS NOT NULL AS complete,
    ${halfUp('sum(fixed_cents) * cta_percent', '100')} AS cents
  FROM priced GROUP BY prm, contract, cta_percent),
cta AS (
  SELECT prm, contract, CASE WHEN bool_and(complete) THEN sum(cents) END AS cta_cents
  FROM cta_by_rate GROUP BY prm, contract),
energy_fta AS (
  SELECT s.prm, s.contract, p.fta, max(p.from_date) AS last_from,
    sum(s.kwh) FILTER (WHERE s.class = 'HPH') AS hph, sum(s.kwh) FILTER (WHERE s.class = 'HCH') AS hch,
    sum(s.kwh) FILTER (WHERE s.class = 'HPB') AS hpb, sum(s.kwh) FILTER (WHERE s.class = 'HCB') AS hcb,
    sum(s.kwh) FILTER (WHERE s.class IN ('HPH', 'HPB', 'HP')) AS hp, sum(s.kwh) FILTER (WHERE s.class IN ('HCH', 'HCB', 'HC')) AS hc,
    sum(s.kwh) AS base
  FROM steps s JOIN periods p ON p.prm = s.prm AND p.contract = s.contract
    AND ${midnight('p.from_date')} < s.seg_end AND s.seg_end <= ${midnight('p.to_date')}
  GROUP BY s.prm, s.contract, p.fta),
variable_fta AS (
  SELECT v.prm, v.contract, v.fta, r.granularity, r.fta IS NULL AS no_rate,
    CASE WHEN r.granularity = 'four' AND coalesce(v.hph, v.hch, v.hpb, v.hcb) IS NOT NULL
        THEN coalesce(v.hph, 0) * r.e_hph + coalesce(v.hch, 0) * r.e_hch + coalesce(v.hpb, 0) * r.e_hpb + coalesce(v.hcb, 0) * r.e_hcb
      WHEN r.granularity = 'hphc' AND coalesce(v.hp, v.hc) IS NOT NULL THEN coalesce(v.hp, 0) * r.e_hp + coalesce(v.hc, 0) * r.e_hc
      WHEN r.granularity = 'base' THEN v.base * r.e_base END AS exact_cents
  FROM energy_fta v
  LEFT JOIN turpe_rates r ON r.fta = v.fta AND r.valid_from <= v.last_from AND (r.valid_to IS NULL OR v.last_from < r.valid_to)),
variable AS (
  SELECT f.prm, f.contract,
    CASE WHEN e.quality = 'missing' OR e.decreased OR coalesce(bool_or(v.no_rate), true) OR NOT bool_and(v.exact_cents IS NOT NULL) THEN NULL
      ELSE ${halfUp('sum(v.exact_cents)', '1')} END AS variable_cents,
    e.quality <> 'missing' AND NOT e.decreased AND NOT coalesce(bool_or(v.no_rate), true) AND variable_cents IS NULL AS classes_mismatch,
    array_to_string(list_sort(list(v.fta || ' (' || v.granularity || ')') FILTER (WHERE v.exact_cents IS NULL)), ', ') AS mismatched
  FROM fixed f JOIN energy e USING (prm, contract) LEFT JOIN variable_fta v USING (prm, contract)
  GROUP BY f.prm, f.contract, e.quality, e.decreased),
event_problems AS (
  SELECT prm, contract,
    ${sortedList(`{'code': 'unknown_event', 'message': 'event ' || event || ' on ' || strftime(event_date, '%Y-%m-%d') || ' is not a code courant knows: applied as a change'}`, ['event_at', 'event'], `kind = 'unknown'`)} AS unknown,
    ${sortedList(`strftime(event_date, '%Y-%m-%d') || ': ' || event || coalesce(' ' || fta, '') || coalesce(' ' || ${KVA_TEXT} || ' kVA', '')`, ['event_at', 'event'])} AS happened
  FROM ev WHERE contract IS NOT NULL AND event_date >= ${mStart} GROUP BY prm, contract),
same_instant AS (
  SELECT prm, contract, list({'code': 'same_instant', 'message': 'events at the same instant ' ||
      strftime(timezone(${zone}, event_at), '%Y-%m-%d %H:%M') || ': ' || events} ORDER BY event_at) AS problems
  FROM (SELECT prm, contract, event_at, string_agg(event || coalesce(' ' || ${KVA_TEXT} || ' kVA', ''), ', ' ORDER BY event, kva) AS events
        FROM (SELECT * FROM ev WHERE contract IS NOT NULL QUALIFY count(*) OVER (PARTITION BY prm, contract, event_at) > 1)
        GROUP BY prm, contract, event_at HAVING max(event_date) >= ${mStart})
  GROUP BY prm, contract),
billed AS (
  SELECT m.prm, m.contract, f.fta, coalesce(f.days, 0) AS days, f.mean_kva, coalesce(f.periods, []) AS periods,
    e.quality, e.decreased, e.hph, e.hch, e.hpb, e.hcb, e.hp, e.hc, e.base,
    f.fixed_cents, v.variable_cents, ct.cta_cents,
    flatten([
      CASE WHEN c.entry_date IS NULL THEN [{'code': 'no_entry', 'message': 'no entry event stored: supplied from its first event, ' || strftime(c.since, '%Y-%m-%d')}] END,
      CASE WHEN c.exit_date < c.since THEN [{'code': 'exit_before_entry', 'message': 'the exit on ' || strftime(c.exit_date, '%Y-%m-%d') || ' comes before the entry on ' || strftime(c.since, '%Y-%m-%d')}] END,
      f.no_rate, f.bad_kva, f.no_cta, ep.unknown, si.problems,
      CASE WHEN e.quality = 'missing' THEN [{'code': 'missing_reading', 'message': 'no reading to bound the energy at ' || array_to_string(e.missing_at, ', ') || ' (Paris): energy and variable part not computed'}] END,
      CASE WHEN e.decreased THEN [{'code': 'index_decreased', 'message': 'an index went down between two bounds: energy and variable part not computed'}] END,
      CASE WHEN v.classes_mismatch THEN [{'code': 'classes_do_not_match_fta', 'message': 'the readings'' classes do not fit ' || v.mismatched || ': variable part not computed'}] END
    ]) AS problems,
    coalesce(array_to_string(ep.happened, '; '), 'no event in the month') AS note
  FROM months m JOIN contracts c USING (prm, contract)
  LEFT JOIN fixed f USING (prm, contract) LEFT JOIN cta ct USING (prm, contract) LEFT JOIN energy e USING (prm, contract) LEFT JOIN variable v USING (prm, contract)
  LEFT JOIN event_problems ep USING (prm, contract) LEFT JOIN same_instant si USING (prm, contract)
  UNION ALL
  SELECT prm, NULL, fta, 0, NULL, [], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    [{'code': 'no_contract_reference', 'message': 'event ' || event || ' on ' || strftime(event_date, '%Y-%m-%d') || ' has no Ref_Situation_Contractuelle: not applied'}],
    'event without a contract reference'
  FROM ev WHERE contract IS NULL AND event_date >= ${mStart})
SELECT '${input.month}' AS month, prm, contract, fta, days, mean_kva, periods,
  ${['hph', 'hch', 'hpb', 'hcb', 'hp', 'hc', 'base'].map((c) => `CASE WHEN quality = 'missing' OR decreased THEN NULL ELSE ${c} END AS ${c}`).join(', ')}, quality,
  ${euros('fixed_cents')} AS turpe_fixed_eur, ${euros('variable_cents')} AS turpe_variable_eur, ${euros('cta_cents')} AS cta_eur,
  coalesce(problems, []) AS problems, note
FROM billed ORDER BY prm, contract NULLS FIRST`;
}
