/**
 * Stage 4, energies and their price: per contract-month and distributor class, the index
 * differences over its segments, then the TURPE variable part.
 *
 * - `class_steps`: each segment's kWh per class (end index − start index), where a side is missing;
 * - `missing_bounds`: the instants a segment has no reading at, for a class or at all;
 * - `energies`: the month's kWh per class (HP = HPH + HPB + HP, HC = HCH + HCB + HC, BASE = all),
 *   its quality (`missing` when a bound has no reading, else `estimated` when one is, else `real`),
 *   and whether an index went down;
 * - `energies_by_fta`: the kWh of the segments ending while each FTA was in force (from its event's
 *   instant, excluded, to the next change's, included): the energy before an FTA change the C15
 *   read, at any hour, is the FTA it was used under's; rates change on the 1st of a month, so the
 *   month's first day's rate prices it;
 * - `variable_parts`: Σ kWh × c€/kWh at each FTA's granularity and rate, exact, rounded half up once
 *   for the month; none when the energy is missing, went down, has no rate, or its classes do not fit.
 */
import { halfUp, type MonthScope, type Relation } from './relations.js';

/** `sum(column) FILTER` per class and the three totals, for the kWh column `kwh` and class column `klass`. */
const byClass = (kwh: string, klass: string) =>
  `sum(${kwh}) FILTER (WHERE ${klass} = 'HPH') AS hph, sum(${kwh}) FILTER (WHERE ${klass} = 'HCH') AS hch,
    sum(${kwh}) FILTER (WHERE ${klass} = 'HPB') AS hpb, sum(${kwh}) FILTER (WHERE ${klass} = 'HCB') AS hcb,
    sum(${kwh}) FILTER (WHERE ${klass} IN ('HPH', 'HPB', 'HP')) AS hp, sum(${kwh}) FILTER (WHERE ${klass} IN ('HCH', 'HCB', 'HC')) AS hc,
    sum(${kwh}) AS base`;

export function energyRelations(scope: MonthScope): Relation[] {
  return [
    {
      name: 'class_steps',
      sql: `SELECT s.prm, s.contract, s.seg_start, s.seg_end, coalesce(a.class, b.class) AS class,
          b.index_kwh - a.index_kwh AS kwh,
          CASE WHEN a.class IS NULL THEN s.seg_start WHEN b.class IS NULL THEN s.seg_end END AS missing_at,
          a.nature = 'estimated' OR b.nature = 'estimated' AS estimated
        FROM segments s
        JOIN (SELECT prm, contract, seg_start, class FROM segment_starts UNION SELECT prm, contract, seg_start, class FROM segment_ends) k
          USING (prm, contract, seg_start)
        LEFT JOIN segment_starts a USING (prm, contract, seg_start, class)
        LEFT JOIN segment_ends b USING (prm, contract, seg_start, class)`,
    },
    {
      name: 'missing_bounds',
      sql: `SELECT prm, contract, seg_start AS instant FROM segments ANTI JOIN segment_starts USING (prm, contract, seg_start)
        UNION SELECT prm, contract, seg_end FROM segments ANTI JOIN segment_ends USING (prm, contract, seg_start)
        UNION SELECT prm, contract, missing_at FROM class_steps WHERE missing_at IS NOT NULL`,
    },
    {
      name: 'energies',
      sql: `SELECT b.prm, b.contract,
          CASE WHEN m.missing_at IS NOT NULL THEN 'missing' WHEN bool_or(s.estimated) THEN 'estimated' ELSE 'real' END AS quality,
          coalesce(bool_or(s.kwh < 0), false) AS decreased, m.missing_at,
          ${byClass('kwh', 'class')}
        FROM energy_bounds b
        LEFT JOIN class_steps s USING (prm, contract)
        LEFT JOIN (SELECT prm, contract, list_sort(list(DISTINCT strftime(timezone(${scope.zone}, instant), '%Y-%m-%d %H:%M'))) AS missing_at
                   FROM missing_bounds GROUP BY prm, contract) m USING (prm, contract)
        GROUP BY b.prm, b.contract, m.missing_at`,
    },
    {
      name: 'energies_by_fta',
      sql: `SELECT s.prm, s.contract, sp.fta,
          ${byClass('s.kwh', 's.class')}
        FROM class_steps s JOIN situations sp ON sp.prm = s.prm AND sp.contract = s.contract
          AND sp.event_at < s.seg_end AND (sp.next_at IS NULL OR s.seg_end <= sp.next_at)
        GROUP BY s.prm, s.contract, sp.fta`,
    },
    {
      name: 'variable_by_fta',
      sql: `SELECT v.prm, v.contract, v.fta, r.granularity, r.fta IS NULL AS no_rate,
          CASE WHEN r.granularity = 'four' AND coalesce(v.hph, v.hch, v.hpb, v.hcb) IS NOT NULL
              THEN coalesce(v.hph, 0) * r.e_hph + coalesce(v.hch, 0) * r.e_hch + coalesce(v.hpb, 0) * r.e_hpb + coalesce(v.hcb, 0) * r.e_hcb
            WHEN r.granularity = 'hphc' AND coalesce(v.hp, v.hc) IS NOT NULL THEN coalesce(v.hp, 0) * r.e_hp + coalesce(v.hc, 0) * r.e_hc
            WHEN r.granularity = 'base' THEN v.base * r.e_base END AS exact_cents
        FROM energies_by_fta v
        LEFT JOIN turpe_rates r ON r.fta = v.fta AND r.valid_from <= ${scope.start} AND (r.valid_to IS NULL OR ${scope.start} < r.valid_to)`,
    },
    {
      name: 'variable_parts',
      sql: `SELECT f.prm, f.contract,
          CASE WHEN e.quality = 'missing' OR e.decreased OR coalesce(bool_or(v.no_rate), true) OR NOT bool_and(v.exact_cents IS NOT NULL) THEN NULL
            ELSE ${halfUp('sum(v.exact_cents)', '1')} END AS variable_cents,
          e.quality <> 'missing' AND NOT e.decreased AND NOT coalesce(bool_or(v.no_rate), true) AND variable_cents IS NULL AS classes_mismatch,
          array_to_string(list_sort(list(v.fta || ' (' || v.granularity || ')') FILTER (WHERE v.exact_cents IS NULL)), ', ') AS mismatched
        FROM fixed_parts f JOIN energies e USING (prm, contract) LEFT JOIN variable_by_fta v USING (prm, contract)
        GROUP BY f.prm, f.contract, e.quality, e.decreased`,
    },
  ];
}
