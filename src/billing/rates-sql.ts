/**
 * The checked rates as DuckDB tables (`turpe_rates`, `cta_rates`), their amounts exact DECIMALs
 * read from the files' text: billing joins them by FTA and date.
 */
import { sqlString } from '../duckdb/columns.js';
import type { Rates } from './rates.js';

const decimal = (value: string | null) => (value === null ? 'NULL::DECIMAL(18, 6)' : `${value}::DECIMAL(18, 6)`);
const date = (value: string | null) => (value === null ? 'NULL::DATE' : `DATE '${value}'`);

/** Statements creating (or replacing) the temporary tables `turpe_rates` and `cta_rates`. */
export function ratesTablesSql(rates: Rates): string[] {
  const turpe = rates.turpe.map(
    (r) =>
      `(${sqlString(r.fta)}, ${date(r.valid_from)}, ${date(r.valid_to)}, ${sqlString(r.granularity)},
        ${decimal(r.management_eur_year)}, ${decimal(r.metering_eur_year)}, ${decimal(r.power_eur_kva_year)},
        ${decimal(r.power_hph_eur_kva_year)}, ${decimal(r.power_hch_eur_kva_year)}, ${decimal(r.power_hpb_eur_kva_year)},
        ${decimal(r.power_hcb_eur_kva_year)}, ${decimal(r.energy_hph_ceur_kwh)}, ${decimal(r.energy_hch_ceur_kwh)},
        ${decimal(r.energy_hpb_ceur_kwh)}, ${decimal(r.energy_hcb_ceur_kwh)}, ${decimal(r.energy_hp_ceur_kwh)},
        ${decimal(r.energy_hc_ceur_kwh)}, ${decimal(r.energy_base_ceur_kwh)})`,
  );
  const cta = rates.cta.map((r) => `(${date(r.valid_from)}, ${decimal(r.rate_percent_of_fixed_turpe)})`);
  return [
    `CREATE OR REPLACE TEMP TABLE turpe_rates AS SELECT * FROM (VALUES ${turpe.join(', ')})
       AS t(fta, valid_from, valid_to, granularity, management, metering, power, b1, b2, b3, b4,
            e_hph, e_hch, e_hpb, e_hcb, e_hp, e_hc, e_base)`,
    `CREATE OR REPLACE TEMP TABLE cta_rates AS SELECT * FROM (VALUES ${cta.join(', ')}) AS t(valid_from, rate_percent)`,
  ];
}
