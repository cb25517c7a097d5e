// Shared by the fault tests: a logger whose JSON lines the test can search, and counters read
// from a component's Prometheus registry.
import { Writable } from 'node:stream';
import type { Registry } from 'prom-client';
import { createLogger, type Logger } from '../../lib/log.ts';
import { type ApiServer, startApiServer } from '../../packages/apiserver/index.ts';

export interface CapturedLog {
  log: Logger;
  /** Parsed lines logged so far. */
  lines(): Array<Record<string, unknown>>;
  /** Lines with this message whose fields include `fields`. */
  find(msg: string, fields?: Record<string, unknown>): Array<Record<string, unknown>>;
}

export function captureLog(level = 'info'): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      cb();
    },
  });
  const log = createLogger({ level, destination: sink });
  return {
    log,
    lines: () => [...lines],
    find: (msg, fields = {}) =>
      lines.filter((l) => l['msg'] === msg && Object.entries(fields).every(([k, v]) => l[k] === v)),
  };
}

/** The value of one series of a counter or histogram (`name` with its `_count` suffix for histograms). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const family = name.replace(/_count$/, '');
  const metric = registry.getSingleMetric(family);
  if (!metric) throw new Error(`no metric ${family}`);
  const { values } = await metric.get();
  return values
    .filter(
      (v) =>
        (v as { metricName?: string }).metricName === undefined ||
        (v as { metricName?: string }).metricName === name,
    )
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** The embedded API server the fault tests run against: one 8-core node, fast pod start and resize. */
export function startFaultApiServer(node = 'node-1'): Promise<ApiServer> {
  return startApiServer({
    crdDir: 'deploy/crds',
    nodes: [{ name: node, cpu: '8', memory: '16Gi' }],
    podStartDelayMs: 5,
    resizeDelayMs: 10,
  });
}
