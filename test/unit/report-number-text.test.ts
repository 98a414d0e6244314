/**
 * Numbers in reports are written without asking Intl where its text is known in advance: the
 * result must stay what Intl's en-GB format writes, and chart coordinates what toFixed writes.
 */
import { describe, expect, it } from 'vitest';
import { fixed } from '../../src/reports/charts/fixed.js';
import { escapeHtml, formatNumber } from '../../src/reports/format.js';

const intl = (digits: number) =>
  new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** Deterministic values in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
}

const EDGES = [
  0,
  -0,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  0.05,
  0.15,
  1.005,
  2.675,
  999.5,
  -999.5,
  999_999.5,
  9.995,
  99.95,
  0.0005,
  -0.0004,
  1234.5678,
  -1234.5678,
  0.1 + 0.2,
  1e-7,
  5e-324,
  2 ** 53,
  -(2 ** 53),
  2 ** 53 + 2,
  1e20,
  9.999999999999999e20,
  1e21,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
];

describe('formatNumber', () => {
  it("writes what Intl's en-GB format writes at ties, carries, signed zeros and exponents", () => {
    for (const value of EDGES) {
      for (let digits = 0; digits <= 20; digits++) expect(formatNumber(value, digits)).toBe(intl(digits).format(value));
    }
  });

  it("writes what Intl's en-GB format writes for integers, decimals and ties of any size", () => {
    const next = random(11);
    const formats = [0, 1, 2, 3, 4].map(intl);
    for (let i = 0; i < 20_000; i++) {
      const magnitude = 10 ** Math.floor(next() * 24 - 4);
      const value = [
        Math.round((next() - 0.5) * magnitude),
        (next() - 0.5) * magnitude,
        (Math.floor((next() - 0.5) * 20_000) + 0.5) / 10 ** Math.floor(next() * 5),
      ][i % 3] as number;
      formats.forEach((format, digits) => expect(formatNumber(value, digits)).toBe(format.format(value)));
    }
  });

  it('writes text that needs no escaping in HTML, and a dash for what is not a number', () => {
    for (const value of [...EDGES, NaN, Infinity])
      expect(escapeHtml(formatNumber(value, 2))).toBe(formatNumber(value, 2));
    expect([null, undefined, NaN, -Infinity].map((v) => formatNumber(v))).toEqual(['–', '–', '–', '–']);
  });

  it('refuses digits beyond 0 to 20, on every Node release and for null too', () => {
    for (const digits of [21, 100, -1, 1.5, NaN]) {
      expect(() => formatNumber(1.5, digits)).toThrow(
        new RangeError(`a number is written with 0 to 20 decimals, not ${digits}`),
      );
      expect(() => formatNumber(null, digits)).toThrow(RangeError);
    }
    expect(formatNumber(1.5, 20)).toBe('1.5');
  });
});

describe('fixed chart coordinates', () => {
  it('write what toFixed writes, at ties and out of the plot too', () => {
    const next = random(5);
    const values = [0, -0, 0.05, 0.005, -0.04, 0.95, 0.995, 1.45, 2.675, 72, 626, 999_999.995, 1e7, 1e9, NaN, Infinity];
    for (let i = 0; i < 10_000; i++) {
      values.push(next() * 700, (Math.floor(next() * 70_000) + 0.5) / 100, (next() - 0.5) * 10 ** (next() * 12 - 3));
    }
    for (const value of values) {
      expect(fixed(value, 1)).toBe(value.toFixed(1));
      expect(fixed(value, 2)).toBe(value.toFixed(2));
    }
  });
});
