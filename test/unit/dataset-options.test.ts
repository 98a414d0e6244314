/** `--datasets`: names of registered datasets, or a family standing for all of its datasets. */
import { describe, expect, it } from 'vitest';
import { parseDatasetsOption } from '../../src/cli/options.js';

const KNOWN = ['eco2mix', 'enedis', 'cityflow-traffic', 'cityflow-weather', 'cityflow-velib'];

describe('parseDatasetsOption', () => {
  it('takes registered names, each once, in the order given', () => {
    expect(parseDatasetsOption('enedis, eco2mix,enedis', KNOWN)).toEqual(['enedis', 'eco2mix']);
    expect(parseDatasetsOption(undefined, KNOWN)).toBeUndefined();
  });

  it('expands a family to its datasets in registry order', () => {
    expect(parseDatasetsOption('cityflow', KNOWN)).toEqual(['cityflow-traffic', 'cityflow-weather', 'cityflow-velib']);
    expect(parseDatasetsOption('cityflow-weather,cityflow', KNOWN)).toEqual([
      'cityflow-weather',
      'cityflow-traffic',
      'cityflow-velib',
    ]);
  });

  it('refuses a name that is neither a dataset nor a family, naming the families', () => {
    expect(() => parseDatasetsOption('city', KNOWN)).toThrow(
      /--datasets: expected a comma-separated list of eco2mix, .* \(or cityflow for all cityflow-…\), got "city"/,
    );
  });
});
