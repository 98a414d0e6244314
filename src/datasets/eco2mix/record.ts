/**
 * One eCO2mix national row as courant keeps it: an instant in UTC, the source it came from,
 * and the measures in MW (`taux_co2` in gCO2/kWh). Missing values are null, never 0.
 */
import { z } from 'zod';

/** Measures kept from every national export, in Parquet column order. */
export const ECO2MIX_MEASURES = [
  'consommation',
  'prevision_j1',
  'prevision_j',
  'fioul',
  'charbon',
  'gaz',
  'nucleaire',
  'eolien',
  'solaire',
  'hydraulique',
  'pompage',
  'bioenergies',
  'ech_physiques',
  'taux_co2',
  'eolien_terrestre',
  'eolien_offshore',
  'stockage_batterie',
  'destockage_batterie',
] as const;

export type Eco2mixMeasure = (typeof ECO2MIX_MEASURES)[number];

const measure = z.number().nullable();

/** ISO-8601 UTC, e.g. `2025-08-21T22:00:00.000Z`; a Date (as read back from Parquet) is converted. */
const instant = z.union([z.iso.datetime({ offset: false }), z.date().transform((value) => value.toISOString())]);

export const eco2mixRecordSchema = z.object({
  instant,
  source: z.enum(['realtime', 'consolidated']),
  nature: z.string().nullable(),
  consommation: measure,
  prevision_j1: measure,
  prevision_j: measure,
  fioul: measure,
  charbon: measure,
  gaz: measure,
  nucleaire: measure,
  eolien: measure,
  solaire: measure,
  hydraulique: measure,
  pompage: measure,
  bioenergies: measure,
  ech_physiques: measure,
  taux_co2: measure,
  eolien_terrestre: measure,
  eolien_offshore: measure,
  stockage_batterie: measure,
  destockage_batterie: measure,
});

export type Eco2mixRecord = z.infer<typeof eco2mixRecordSchema>;

/** DuckDB SQL types used for the processed table. */
export type Eco2mixColumnType = 'TIMESTAMPTZ' | 'VARCHAR' | 'DOUBLE';

export interface Eco2mixColumn {
  readonly name: keyof Eco2mixRecord;
  readonly type: Eco2mixColumnType;
}

/** Columns of `processed/eco2mix/dt={date}/eco2mix_national.parquet`, in order. */
export const ECO2MIX_PARQUET_COLUMNS: readonly Eco2mixColumn[] = [
  { name: 'instant', type: 'TIMESTAMPTZ' },
  { name: 'source', type: 'VARCHAR' },
  { name: 'nature', type: 'VARCHAR' },
  ...ECO2MIX_MEASURES.map((name): Eco2mixColumn => ({ name, type: 'DOUBLE' })),
];

/** Table name of the processed file: `processed/eco2mix/dt={date}/eco2mix_national.parquet`. */
export const ECO2MIX_TABLE = 'eco2mix_national';
