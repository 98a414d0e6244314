/** `Number.prototype.toFixed` for chart coordinates, several times faster on the values they take. */

/** Below this, the float product `value × 10^digits` is within 1e-8 of the exact one (half an ulp). */
const EXACT_BELOW = 1e8;

/**
 * Exactly `value.toFixed(digits)`: away from a tie, the integer nearest to the float product
 * `value × 10^digits` is the one nearest to the exact product, which toFixed writes. Near a tie
 * (within 1e-6), or outside 0 ≤ value × 10^digits < 1e8, toFixed itself writes it.
 */
export function fixed(value: number, digits: 1 | 2): string {
  const scale = digits === 1 ? 10 : 100;
  const scaled = value * scale;
  const n = Math.round(scaled);
  if (!(scaled >= 0 && scaled < EXACT_BELOW) || Math.abs(Math.abs(scaled - n) - 0.5) < 1e-6) {
    return value.toFixed(digits);
  }
  const fraction = n % scale;
  return `${Math.floor(n / scale)}.${digits === 2 && fraction < 10 ? '0' : ''}${fraction}`;
}
