/**
 * Stage 3, pricing: the TURPE fixed part and the CTA of each contract-month, in cents, exact.
 *
 * - `priced_periods`: each sub-period with the rate of its FTA on its first day and the CTA rate
 *   then; its fixed part (management + metering + power) € a year × 100 × days ÷ 365, rounded half
 *   up; the power is b × kVA up to 36 kVA; above (C4) b1·P1 + Σ bi·(Pi − Pi−1), which is b1 × kVA
 *   as the C15 states one subscribed power (P1 = … = P4). None without a rate or with a kVA out of
 *   ]0, 250];
 * - `fixed_parts`: per contract-month: days, mean kVA, its FTA (the last sub-period's), the
 *   sub-periods as the row lists them, the fixed part (the sum of the sub-periods' rounded parts,
 *   none when one has none) and the pricing problems;
 * - `cta_parts`: the fixed part × the CTA rate, summed per rate and rounded once per rate.
 */
import { problem } from './problems.js';
import { euros, halfUp, sortedList, type Relation } from './relations.js';

export function pricingRelations(): Relation[] {
  return [
    {
      name: 'priced_periods',
      sql: `SELECT p.*, r.granularity,
          CASE WHEN p.kva IS NULL OR p.kva <= 0 OR p.kva > 250 OR r.fta IS NULL THEN NULL
            ELSE r.management + r.metering + CASE WHEN r.power IS NOT NULL THEN r.power * p.kva
              ELSE r.b1 * p.kva END END AS annual_eur,
          ${halfUp('annual_eur * 100 * days', '365')} AS fixed_cents,
          cta.rate_percent AS cta_percent,
          r.fta IS NULL AS no_rate
        FROM sub_periods p
        LEFT JOIN turpe_rates r ON r.fta = p.fta AND r.valid_from <= p.from_date AND (r.valid_to IS NULL OR p.from_date < r.valid_to)
        LEFT JOIN cta_rates cta ON cta.valid_from = (SELECT max(valid_from) FROM cta_rates WHERE valid_from <= p.from_date)`,
    },
    {
      name: 'fixed_parts',
      sql: `SELECT prm, contract, sum(days)::INTEGER AS days,
          round(sum(kva * days) / sum(days), 3)::DOUBLE AS mean_kva,
          arg_max(fta, from_date) AS fta,
          ${sortedList(
            `{'from': strftime(from_date, '%Y-%m-%d'), 'to': strftime(to_date, '%Y-%m-%d'), 'days': days, 'fta': fta,
                'kva': kva::DOUBLE, 'turpeFixedEur': ${euros('fixed_cents')}}`,
            ['from_date'],
          )} AS periods,
          CASE WHEN bool_and(fixed_cents IS NOT NULL) THEN sum(fixed_cents) END AS fixed_cents,
          ${sortedList(problem('no_rate', { fta: 'fta', from: 'from_date' }), ['from_date'], 'no_rate')} AS no_rate,
          ${sortedList(problem('kva_out_of_range', { kva: 'kva', from: 'from_date' }), ['from_date'], 'kva IS NULL OR kva <= 0 OR kva > 250')} AS bad_kva,
          ${sortedList(problem('no_cta_rate', { from: 'from_date' }), ['from_date'], 'cta_percent IS NULL')} AS no_cta
        FROM priced_periods GROUP BY prm, contract`,
    },
    {
      name: 'cta_by_rate',
      sql: `SELECT prm, contract, bool_and(fixed_cents IS NOT NULL) AND cta_percent IS NOT NULL AS complete,
          ${halfUp('sum(fixed_cents) * cta_percent', '100')} AS cents
        FROM priced_periods GROUP BY prm, contract, cta_percent`,
    },
    {
      name: 'cta_parts',
      sql: `SELECT prm, contract, CASE WHEN bool_and(complete) THEN sum(cents) END AS cta_cents
        FROM cta_by_rate GROUP BY prm, contract`,
    },
  ];
}
