/**
 * The real samples a dataset's demo serves are kept once, in that dataset's `demo/samples/`
 * (PROVENANCE.md beside them); tests read them there. The samples no demo serves stay in
 * `test/fixtures/`. Paths are relative to the project root, where the tests run.
 */
import path from 'node:path';

const demoSample = (dataset: string, file: string) => path.join('src', 'datasets', dataset, 'demo', 'samples', file);

export const DEMO_SAMPLES = {
  eco2mixRecords2025: demoSample('eco2mix', 'ellebihan_odre_eco2mix-national-tr_records_2025-08-22.json'),
  eco2mixLabels2021: demoSample('eco2mix', 'mathis-grsst_odre_eco2mix-national-tr_export_labels_2021-12.csv'),
  velibStatus: demoSample('cityflow-velib', 'dariusbengo_velib_gbfs_station_status.json'),
  velibInformation: demoSample('cityflow-velib', 'dariusbengo_velib_gbfs_station_information.json'),
  traffic: demoSample('cityflow-traffic', 'louisgthier_comptages-routiers-permanents_washington_head2000.csv'),
  weatherHourly: demoSample('cityflow-weather', 'openmeteo_paris_forecast_hourly_2024-08-17.json'),
  roadworks: demoSample('cityflow-roadworks', 'teoale_chantiers-perturbants.csv'),
} as const;
