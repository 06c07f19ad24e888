/**
 * The least and greatest of many numbers. `Math.min(...values)` passes every value as an argument and overflows
 * the stack past about 100,000 of them (a rethread of a large same-subject group at a million messages did).
 */
export function extent(values: readonly number[]): [min: number, max: number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}
