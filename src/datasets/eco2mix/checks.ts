/**
 * Data-quality checks of an eCO2mix day, over `eco2mix_national`. Limits from the real samples
 * (test/fixtures/eco2mix, see its PROVENANCE.md; measured on every point):
 * - national consumption: 32 789–83 042 MW in the samples; the record is 102 098 MW (February 2012),
 *   summer nights fall near 28 000 MW. A point outside 15 000–110 000 MW is a unit or parsing fault;
 * - balance: production + pumping (negative) + batteries + physical exchanges (imports positive)
 *   equals consumption within 2 MW in real time (2025-08-22, 2021-12) and within 0.23 % in the
 *   consolidated data (2024-01): more than 1 % on any point means a column is missing or wrong;
 * - CO2 intensity: 14–94 g/kWh in the samples, about 150 in the coal-heavy winters of the 2010s:
 *   outside 5–250 g/kWh is not France;
 * - a consumption value repeated for more than an hour is a frozen feed, not the grid;
 * - completeness below 95 % of the day's points warns (the report already shows which are missing).
 */
import type { QualityCheck, QualityContext } from '../contract.js';
import type { Eco2mixConfig } from './dataset.js';
import { PRODUCTION_SOURCES } from './labels.js';
import { ECO2MIX_TABLE } from './record.js';

type Check = QualityCheck<Eco2mixConfig>;
type Context = QualityContext<Eco2mixConfig>;

const CONSUMPTION_MW = { min: 15_000, max: 110_000 } as const;
const CO2_G_PER_KWH = { min: 5, max: 250 } as const;
const points = (c: Context) => `(SELECT * FROM ${c.table(ECO2MIX_TABLE)} WHERE consommation IS NOT NULL)`;

/** Points outside [min, max] of a measure: the count observed, the points themselves as the sample. */
function rangeCheck(name: string, measure: string, range: { min: number; max: number }, unit: string): Check {
  const outside = `${measure} IS NOT NULL AND (${measure} < ${range.min} OR ${measure} > ${range.max})`;
  return {
    name,
    description: `${measure} stays within ${range.min}–${range.max} ${unit} at every point`,
    severity: 'block',
    limit: { max: 0, unit: `points outside ${range.min}–${range.max} ${unit}` },
    table: ECO2MIX_TABLE,
    observe: (c) => `SELECT count(*) FILTER (WHERE ${outside}) AS observed, observed AS involved FROM ${points(c)}`,
    offending: (c) => `SELECT instant, ${measure} FROM ${points(c)} WHERE ${outside} ORDER BY instant`,
  };
}

const SUPPLY = [
  ...PRODUCTION_SOURCES,
  'pompage',
  'ech_physiques',
  'coalesce(stockage_batterie, 0)',
  'coalesce(destockage_batterie, 0)',
].join(' + ');
const BALANCE_TOLERANCE = 0.01;
const imbalance = (c: Context) =>
  `(SELECT instant, consommation, ${SUPPLY} AS supply, abs(${SUPPLY} - consommation) / consommation AS gap
    FROM ${points(c)} WHERE consommation > 0)`;

const balance: Check = {
  name: 'balance',
  description:
    'production + pumping + batteries + physical exchanges equal consumption within 1 % at every point where all are known',
  severity: 'block',
  limit: { max: BALANCE_TOLERANCE, unit: 'of consumption' },
  table: ECO2MIX_TABLE,
  observe: (c) =>
    `SELECT round(max(gap), 6) AS observed, count(*) FILTER (WHERE gap > ${BALANCE_TOLERANCE}) AS involved
     FROM ${imbalance(c)} WHERE gap IS NOT NULL`,
  offending: (c) =>
    `SELECT instant, consommation, supply, round(gap, 6) AS gap FROM ${imbalance(c)}
     WHERE gap > ${BALANCE_TOLERANCE} ORDER BY gap DESC, instant`,
};

const MAX_STUCK_HOURS = 1;
/** Runs of consecutive points with the same consumption, with their first and last instants. */
const runs = (c: Context) => `(
  SELECT any_value(consommation) AS consommation, min(instant) AS first_at, max(instant) AS last_at, count(*) AS points,
         (epoch(max(instant)) - epoch(min(instant))) / 3600 AS hours
  FROM (SELECT instant, consommation, sum(changed) OVER (ORDER BY instant) AS run
        FROM (SELECT instant, consommation,
                     CASE WHEN consommation = lag(consommation) OVER (ORDER BY instant) THEN 0 ELSE 1 END AS changed
              FROM ${points(c)}))
  GROUP BY run)`;

const stuck: Check = {
  name: 'stuck_consumption',
  description: 'consumption never holds the same value for more than an hour',
  severity: 'block',
  limit: { max: MAX_STUCK_HOURS, unit: 'hours' },
  table: ECO2MIX_TABLE,
  observe: (c) =>
    `SELECT max(hours) AS observed, coalesce(sum(points) FILTER (WHERE hours > ${MAX_STUCK_HOURS}), 0) AS involved FROM ${runs(c)}`,
  offending: (c) =>
    `SELECT first_at, last_at, consommation, points FROM ${runs(c)} WHERE hours > ${MAX_STUCK_HOURS} ORDER BY hours DESC, first_at`,
};

/** Points with consumption over the points the day should have (15-minute steps when any point lies on :15 or :45). */
const completeness: Check = {
  name: 'completeness',
  description: 'at least 95 % of the day’s points carry a consumption value',
  severity: 'warn',
  limit: { min: 0.95 },
  table: ECO2MIX_TABLE,
  observe: (c) =>
    `SELECT round(count(*) / (${c.hours} * 60 / CASE WHEN bool_or(epoch(instant)::BIGINT % 1800 = 900) THEN 15 ELSE 30 END), 4) AS observed,
            greatest(${c.hours} * 60 / CASE WHEN bool_or(epoch(instant)::BIGINT % 1800 = 900) THEN 15 ELSE 30 END - count(*), 0) AS involved
     FROM ${points(c)}`,
};

export const eco2mixChecks: readonly Check[] = [
  rangeCheck('consumption_range', 'consommation', CONSUMPTION_MW, 'MW'),
  balance,
  rangeCheck('co2_range', 'taux_co2', CO2_G_PER_KWH, 'g/kWh'),
  stuck,
  completeness,
];
