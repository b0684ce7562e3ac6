/**
 * Numeric matching rules of AWS's pattern engine (aws/event-ruler `ComparableNumber`): numbers take part in
 * `numeric` comparisons and numeric `anything-but` only when they lie within +/- 5e11 and have at most six
 * decimal places. Pattern operands outside that are rejected; event values outside it simply never match.
 */
export const NUMERIC_LIMIT = 5e11;
export const MAX_DECIMAL_PLACES = 6;

/** True when `v` can be compared numerically by the pattern engine. */
export function isComparable(v: number): boolean {
  if (!(v >= -NUMERIC_LIMIT && v <= NUMERIC_LIMIT)) return false; // also rejects NaN
  if (Number.isInteger(v)) return true;
  // v has at most six decimals exactly when it is the double nearest to some n / 1e6 — checkable without
  // building a string while n stays an exact integer (|v| < 2^53 / 1e6).
  if (v > -9e9 && v < 9e9) return Math.round(v * 1e6) / 1e6 === v;
  return decimalPlaces(v) <= MAX_DECIMAL_PLACES;
}

/**
 * Decimal places of the shortest text that round-trips to `v` (what JSON producers write), e.g. 0.125 -> 3,
 * 1.5e-7 -> 8. JSON.parse has already dropped the original text, and for any text with at most 17 significant
 * digits this is the same count.
 */
export function decimalPlaces(v: number): number {
  const s = String(v);
  const e = s.indexOf('e');
  const mantissa = e < 0 ? s : s.slice(0, e);
  const exponent = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - exponent);
}
