/**
 * Stage 3, pricing: the TURPE fixed part and the CTA of each contract-month, in cents, exact.
 *
 * - `priced_periods`: each sub-period with the rate of its FTA on its first day and the CTA rate
 *   then; its fixed part (management + metering + power) € a year × 100 × days ÷ 365, rounded half
 *   up; the power is b × kVA up to 36 kVA; above (C4) b1·P1 + Σ bi·(Pi − Pi−1), which is b1 × kVA
 *   as the C15 states one subscribed power (P1 = … = P4). None without a rate, with a kVA out of
 *   ]0, 250], or with a kVA its FTA is not for (an FTA priced per kVA is for up to 36 kVA, one priced
 *   per class for more);
 * - `fixed_parts`: per contract-month: days, mean kVA, its FTA (the last sub-period's), the
 *   sub-periods as the row lists them, the fixed part (the sum of the sub-periods' rounded parts
 *   that have one; `fixed_complete` when every one has) and the pricing problems;
 * - `cta_parts`: the fixed part × the CTA rate, summed per rate and rounded once per rate, of the
 *   sub-periods that have both (`cta_complete` when every one has).
 */
import { MAX_KVA, problem } from './problems.js';
import { euros, halfUp, sortedList, type Relation } from './relations.js';

export function pricingRelations(): Relation[] {
  return [
    {
      name: 'priced_periods',
      sql: `SELECT p.*, r.granularity,
          r.fta IS NULL AS no_rate,
          p.kva IS NULL OR p.kva <= 0 OR p.kva > ${MAX_KVA} AS bad_kva,
          NOT no_rate AND NOT bad_kva AND CASE WHEN r.power IS NOT NULL THEN p.kva > 36 ELSE p.kva <= 36 END AS outside_fta,
          r.power IS NOT NULL AS up_to_36,
          CASE WHEN no_rate OR bad_kva OR outside_fta THEN NULL
            ELSE r.management + r.metering + CASE WHEN r.power IS NOT NULL THEN r.power * p.kva
              ELSE r.b1 * p.kva END END AS annual_eur,
          ${halfUp('annual_eur * 100 * days', '365')} AS fixed_cents,
          cta.rate_percent AS cta_percent
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
          sum(fixed_cents) AS fixed_cents,
          bool_and(fixed_cents IS NOT NULL) AS fixed_complete,
          ${sortedList(problem('no_rate', { fta: 'fta', from: 'from_date' }), ['from_date'], 'no_rate')} AS no_rate,
          ${sortedList(problem('kva_out_of_range', { kva: 'kva', from: 'from_date' }), ['from_date'], 'bad_kva')} AS bad_kva,
          ${sortedList(problem('kva_not_in_fta_range', { kva: 'kva', fta: 'fta', from: 'from_date', upTo36: 'up_to_36' }), ['from_date'], 'outside_fta')} AS outside_fta,
          ${sortedList(problem('no_cta_rate', { from: 'from_date' }), ['from_date'], 'cta_percent IS NULL')} AS no_cta
        FROM priced_periods GROUP BY prm, contract`,
    },
    {
      name: 'cta_by_rate',
      sql: `SELECT prm, contract, cta_percent, bool_and(fixed_cents IS NOT NULL) AND cta_percent IS NOT NULL AS complete,
          ${halfUp('sum(fixed_cents) * cta_percent', '100')} AS cents
        FROM priced_periods GROUP BY prm, contract, cta_percent`,
    },
    {
      name: 'cta_parts',
      sql: `SELECT prm, contract, sum(cents) AS cta_cents, bool_and(complete) AS cta_complete
        FROM cta_by_rate GROUP BY prm, contract`,
    },
  ];
}
