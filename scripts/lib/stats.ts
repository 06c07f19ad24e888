/** The p-th percentile (nearest rank) of an ascending list of samples. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50 and p95 of samples in any order. */
export function p50p95(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

export const fmtMs = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
