// What every speed benchmark returns, its terminal table (cli-table3) and the JSON document
// written to bench/results/speed.json.
import Table from 'cli-table3';
import { formatValue, type Unit } from './stats.ts';

export interface Metric {
  name: string;
  value: number | boolean | null;
  unit: Unit;
  note?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  /** The scale and settings the numbers were measured at. */
  params: Record<string, number | string | boolean>;
  metrics: Metric[];
  /** What was left out or went wrong, in words. */
  notes: string[];
  wallSeconds: number;
  /** The reference loop timed just before this benchmark (bench/run.ts fills it in). */
  referenceLoopMs?: number;
}

export interface SpeedDocument {
  benchmark: 'speed';
  startedAt: string;
  command: string;
  host: { node: string; cpus: number; cpuModel: string; totalMemoryBytes: number; platform: string };
  quick: boolean;
  results: BenchResult[];
  /** The footprint figures by their fixed names (bench/speed/headline.ts), each from one result. */
  headline?: Record<string, HeadlineFigure>;
}

export interface HeadlineFigure {
  value: number | boolean | null;
  unit: Unit;
  benchmark: string;
  /** The reference loop timed just before the benchmark that measured it (same run). */
  referenceLoopMs: number | null;
  note?: string;
}

export function metric(name: string, value: number | boolean | null, unit: Unit, note?: string): Metric {
  return note === undefined ? { name, value, unit } : { name, value, unit, note };
}

function paramsLine(params: BenchResult['params']): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** The result as a three-column table: metric, value, note; params and notes around it. */
export function renderResult(result: BenchResult, width = 110): string {
  const table = new Table({
    head: ['metric', 'value', 'note'],
    style: { head: [], border: [] },
    colWidths: [40, 18, Math.max(20, width - 64)],
    wordWrap: true,
  });
  for (const m of result.metrics) table.push([m.name, formatValue(m.value, m.unit), m.note ?? '']);
  const lines = [
    `${result.name} — ${result.title} (${result.wallSeconds.toFixed(1)} s)`,
    `  ${paramsLine(result.params)}`,
    table.toString(),
  ];
  for (const note of result.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

/** A value of a result by metric name (for summaries); undefined when absent. */
export function metricValue(result: BenchResult, name: string): Metric['value'] | undefined {
  return result.metrics.find((m) => m.name === name)?.value;
}
