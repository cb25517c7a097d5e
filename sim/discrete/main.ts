// `node sim/discrete/main.ts`: runs a scenario in discrete time under the kosmos or a static
// controller and prints per-service results (SLO violation, response times, cores, actions).
import { writeFileSync } from 'node:fs';
import Table from 'cli-table3';
import { Command } from 'commander';
import { loadScenario } from '../scenario/scenario-file.ts';
import type { Controller } from './controller.ts';
import { runDiscrete } from './engine.ts';
import { KosmosController } from './kosmos-controller.ts';
import { type Recording, recordingHash } from './recorder.ts';

export interface ServiceSummary {
  service: string;
  sloViolationPercent: number;
  p95OfStepsMs: number;
  allocatedCoreSeconds: number;
  usedCoreSeconds: number;
  utilizationPercent: number;
  droppedRequests: number;
  resizes: number;
  replicaChanges: number;
  restarts: number;
}

function percentileOf(values: number[], p: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Whole-run figures per service (the benchmark computes richer ones from the same recording). */
export function summarize(rec: Recording): ServiceSummary[] {
  const dt = rec.stepSeconds;
  return rec.services.map((s) => {
    const events = rec.events.filter((e) => e.service === s.name);
    let violated = 0;
    let allocated = 0;
    let used = 0;
    let dropped = 0;
    for (let t = 0; t < rec.steps; t++) {
      violated += s.sloViolated[t]!;
      allocated += s.allocatedCores[t]! * dt;
      used += s.usedCores[t]! * dt;
      dropped += s.droppedRps[t]! * dt;
    }
    return {
      service: s.name,
      sloViolationPercent: (100 * violated) / Math.max(1, rec.steps),
      p95OfStepsMs: 1000 * percentileOf(Array.from(s.p95RtSeconds), 0.95),
      allocatedCoreSeconds: allocated,
      usedCoreSeconds: used,
      utilizationPercent: allocated > 0 ? (100 * used) / allocated : 0,
      droppedRequests: dropped,
      resizes: events.filter((e) => e.kind === 'resize').length,
      replicaChanges: events.filter((e) => e.kind === 'replicas').length,
      restarts: events.filter((e) => e.kind === 'recreate' || e.kind === 'oom-kill').length,
    };
  });
}

function controllerNamed(name: string): Controller {
  if (name === 'kosmos') return new KosmosController();
  if (name === 'static') return { name: 'static', periodSeconds: 60, decide: () => ({}) };
  throw new Error(`unknown controller "${name}" (kosmos or static; the benchmark has the others)`);
}

async function main(): Promise<void> {
  const opts = new Command()
    .name('sim')
    .description('Run a scenario in deterministic discrete time and print per-service results.')
    .option('-s, --scenario <name|file>', 'bundled scenario name or YAML path', 'default')
    .option('-c, --controller <name>', 'kosmos | static', 'kosmos')
    .option('--seed <n>', 'override the scenario seed', (v) => Number.parseInt(v, 10))
    .option('--duration <seconds>', 'override the scenario duration', (v) => Number(v))
    .option('--traces <dir>', 'folder of the trace files (default $KOSMOS_TRACES_DIR or ../shared/traces)')
    .option('--json <file>', 'write the summary and the recording hash as JSON')
    .parse()
    .opts<{
      scenario: string;
      controller: string;
      seed?: number;
      duration?: number;
      traces?: string;
      json?: string;
    }>();
  const scenario = await loadScenario(opts.scenario, opts.traces ? { tracesDir: opts.traces } : {});
  const started = performance.now();
  const rec = runDiscrete(scenario, {
    controller: controllerNamed(opts.controller),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.duration !== undefined ? { durationSeconds: opts.duration } : {}),
  });
  const elapsedMs = performance.now() - started;
  const summary = summarize(rec);
  const table = new Table({
    head: [
      'service',
      'SLO violated %',
      'p95 of steps ms',
      'core·s',
      'util %',
      'dropped',
      'resizes',
      'replica Δ',
      'restarts',
    ],
  });
  for (const s of summary) {
    table.push([
      s.service,
      s.sloViolationPercent.toFixed(1),
      s.p95OfStepsMs.toFixed(0),
      s.allocatedCoreSeconds.toFixed(0),
      s.utilizationPercent.toFixed(0),
      s.droppedRequests.toFixed(0),
      s.resizes,
      s.replicaChanges,
      s.restarts,
    ]);
  }
  const hash = recordingHash(rec);
  console.log(
    `scenario ${scenario.name}, controller ${rec.controller}, seed ${rec.seed}, ${rec.steps} steps of ${rec.stepSeconds}s in ${elapsedMs.toFixed(0)} ms`,
  );
  console.log(table.toString());
  console.log(`recording sha256 ${hash}`);
  if (opts.json) {
    writeFileSync(
      opts.json,
      `${JSON.stringify({ scenario: scenario.name, controller: rec.controller, seed: rec.seed, hash, summary }, null, 2)}\n`,
    );
  }
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(`sim: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  });
}
