/** How eCO2mix measures are named and coloured in reports: one palette for every chart and table. */

export const PRODUCTION_SOURCES = [
  'nucleaire',
  'hydraulique',
  'eolien',
  'solaire',
  'bioenergies',
  'gaz',
  'charbon',
  'fioul',
] as const;

export type ProductionSource = (typeof PRODUCTION_SOURCES)[number];

export const SOURCE_LABELS: Readonly<Record<ProductionSource, string>> = {
  nucleaire: 'Nuclear',
  hydraulique: 'Hydro',
  eolien: 'Wind',
  solaire: 'Solar',
  bioenergies: 'Bioenergy',
  gaz: 'Gas',
  charbon: 'Coal',
  fioul: 'Oil',
};

export const SOURCE_COLOURS: Readonly<Record<ProductionSource, string>> = {
  nucleaire: '#e9b824',
  hydraulique: '#2f7fc1',
  eolien: '#5ec2b0',
  solaire: '#f08a24',
  bioenergies: '#4c9a2a',
  gaz: '#c9463d',
  charbon: '#5b4a42',
  fioul: '#8e6c8a',
};

export const COLOURS = {
  consumption: '#1d3557',
  forecast: '#e76f51',
  sameDayForecast: '#9aa5b1',
  co2: '#6d597a',
  exchanges: '#2a9d8f',
} as const;
