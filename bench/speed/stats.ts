// Pure numbers for the speed benchmarks: percentile summaries of samples and the value formats
// used in their tables.

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (q in 0..1) of ascending-sorted samples; NaN when there are none. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(Math.min(1, Math.max(0, q)) * sorted.length);
  return sorted[Math.max(0, rank - 1)] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    min: sorted.length ? (sorted[0] as number) : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

export type Unit = 'ms' | 's' | '%' | 'MiB' | '/s' | '/min' | 'count' | 'ratio' | 'bool';

/** Three significant digits at most, no exponent for the magnitudes benchmarks produce. */
function significant(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

export function formatValue(value: number | boolean | null, unit: Unit): string {
  if (value === null || (typeof value === 'number' && Number.isNaN(value))) return 'n/a';
  if (typeof value === 'boolean' || unit === 'bool') return value ? 'yes' : 'no';
  switch (unit) {
    case 'count':
      return Number.isInteger(value) ? value.toLocaleString('en-US') : significant(value);
    case 'ratio':
      return `${significant(value)}×`;
    case '/s':
    case '/min':
      return `${value >= 1000 ? Math.round(value).toLocaleString('en-US') : significant(value)} ${unit}`;
    case '%':
      return `${significant(value)} %`;
    default:
      return `${significant(value)} ${unit}`;
  }
}

export const MIB = 1024 * 1024;

/** Bytes → MiB. */
export function mib(bytes: number): number {
  return bytes / MIB;
}

/** CPU microseconds used over a wall time in ms → percent of one core. */
export function coreSharePercent(cpuMicros: number, wallMs: number): number {
  return wallMs > 0 ? (100 * cpuMicros) / 1000 / wallMs : Number.NaN;
}
