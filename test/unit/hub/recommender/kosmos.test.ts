import { describe, expect, it } from 'vitest';
import type { PodSignal, RecommenderState } from '../../../../hub/src/recommender/index.ts';
import {
  RECOMMENDER_DEFAULTS,
  recommend,
  recommenderConfig,
  statisticFactor,
} from '../../../../hub/src/recommender/index.ts';
import { isNewOomKill } from '../../../../hub/src/recommender/recommend.ts';

const MI = 1024 * 1024;
const config = recommenderConfig({
  sloSeconds: 0.2,
  minCpuMilli: 50,
  maxCpuMilli: 8000,
  minMemoryBytes: 64 * MI,
  maxMemoryBytes: 4096 * MI,
});
const q = statisticFactor('p95');
const margin = RECOMMENDER_DEFAULTS.tuning.sloMargin;
/** σ of the rate the default law sizes for. */
const sigmas = RECOMMENDER_DEFAULTS.tuning.rateNoiseSigmas;
/** Queueing headroom for 20 core-ms requests at the default p95 target. */
const headroom20 = (20 * q * margin) / 0.2;

const signal = (over: Partial<PodSignal>): PodSignal => ({
  periodSeconds: 5,
  enactedCpuMilli: 1500,
  enactedMemoryBytes: 256 * MI,
  cpuUsageMilli: 1000,
  throttledRatio: 0,
  requestRate: 50,
  requestCount: 250,
  responseTimeSeconds: 0.15,
  memoryWorkingSetBytes: 200 * MI,
  oomKilled: false,
  ...over,
});
const known = (over: Partial<RecommenderState> = {}): RecommenderState => ({
  steps: 10,
  previousError: 0,
  cpuCostMilliSecondsPerRequest: 20,
  modelCorrection: 1,
  // A latency fit that has seen the model exact at 0.3 and 0.7 of the target.
  latencyFit: { weight: 1, x: 0.5, y: 0.5, xx: 0.29, xy: 0.29 },
  previousRequestRate: 50,
  previousWorkingSetBytes: 200 * MI,
  workingSetStableSteps: 0,
  ...over,
});

/** The plant the law is designed for: a processor-sharing pod in steady state, exponential demand. */
function psPlant(cpuMilli: number, rate: number, costMs: number): Partial<PodSignal> {
  const load = rate * costMs;
  const usage = Math.min(cpuMilli, load);
  const meanSeconds = cpuMilli > load ? costMs / (cpuMilli - load) : 30;
  return {
    enactedCpuMilli: cpuMilli,
    cpuUsageMilli: usage,
    requestRate: usage / costMs,
    requestCount: (usage / costMs) * 5,
    responseTimeSeconds: meanSeconds * q,
    throttledRatio: usage / cpuMilli > 0.9 ? 0.8 : 0.1,
  };
}

describe('kosmos (default law)', () => {
  it('sizes a pod as load + noise margin + queueing headroom for the SLO', () => {
    const r = recommend(
      config,
      known(),
      signal({ enactedCpuMilli: 3000, responseTimeSeconds: (q * 20) / 2000 }),
    );
    const load = (50 + sigmas * Math.sqrt(50 / 5)) * 20;
    expect(r.terms.cpuRule).toBe('feed-forward');
    expect(r.terms.headroomCpuMilli).toBeCloseTo(headroom20, 6);
    expect(r.terms.feedForwardCpuMilli).toBeCloseTo(load + headroom20, 6);
    // 3000m → target ≈ 1453m, but the decrease is limited to 20 % per step.
    expect(r.desired.cpuMilli).toBe(2400);
  });

  it('learns the CPU cost per request from usage / rate', () => {
    const r = recommend(
      config,
      undefined,
      signal({ cpuUsageMilli: 1200, requestRate: 40, requestCount: 200 }),
    );
    expect(r.state.cpuCostMilliSecondsPerRequest).toBe(30);
    const next = recommend(
      config,
      r.state,
      signal({ cpuUsageMilli: 800, requestRate: 40, requestCount: 200 }),
    );
    expect(next.state.cpuCostMilliSecondsPerRequest).toBeCloseTo(30 + 0.3 * (20 - 30), 9);
  });

  it('meets a measured surge in one step, beyond the 2× feedback growth limit', () => {
    // 300m pod at 2 req/s; the window shows 12 req/s (60 requests): the rate says ~2.4× is needed.
    // Its p95 is the model's (q·20/60 = 1 s): the correction stays 1.
    const state = known({ previousRequestRate: 2 });
    const r = recommend(
      config,
      state,
      signal({
        enactedCpuMilli: 300,
        cpuUsageMilli: 240,
        requestRate: 12,
        requestCount: 60,
        responseTimeSeconds: (q * 20) / 60,
      }),
    );
    expect(r.terms.cpuRule).toBe('feed-forward');
    expect(r.desired.cpuMilli).toBeGreaterThan(600);
    expect(r.desired.cpuMilli).toBe(Math.ceil(r.terms.feedForwardCpuMilli!));
  });

  it('grows a throttled pod whose response time is over the SLO although its usage only shows the quota', () => {
    const r = recommend(
      config,
      known(),
      signal({
        enactedCpuMilli: 1000,
        cpuUsageMilli: 990,
        throttledRatio: 0.9,
        requestRate: 49.5,
        requestCount: 247,
        responseTimeSeconds: 1.2,
      }),
    );
    expect(r.terms.hiddenDemand).toBe(true);
    expect(r.terms.cpuRule).toBe('saturated');
    // backlog ≈ 1.2 s · 990m / 5 s; at least the 1.25× minimum, within the 4× measured-surge limit.
    expect(r.terms.backlogCpuMilli).toBeCloseTo((1.2 * 990) / 5, 6);
    expect(r.desired.cpuMilli).toBeGreaterThanOrEqual(1250);
    expect(r.desired.cpuMilli).toBeLessThanOrEqual(4000);
  });

  it('does not mistake a throttled pod within its SLO for hidden demand', () => {
    const r = recommend(
      config,
      known(),
      signal({ cpuUsageMilli: 1300, throttledRatio: 0.7, responseTimeSeconds: 0.15 }),
    );
    expect(r.terms.hiddenDemand).toBe(false);
  });

  it('grows by maxGrowthFactor when a pegged pod finishes no request at all', () => {
    const r = recommend(
      config,
      known(),
      signal({
        enactedCpuMilli: 500,
        cpuUsageMilli: 499,
        requestRate: 0,
        requestCount: 0,
        responseTimeSeconds: undefined,
      }),
    );
    expect(r.terms.cpuRule).toBe('saturated');
    expect(r.desired.cpuMilli).toBe(1000);
  });

  it('never slams an idle pod to the minimum: decays ≤ 20 % per step toward what one request needs', () => {
    let state: RecommenderState | undefined = known();
    let cpu = 3000;
    const seen: number[] = [];
    for (let k = 0; k < 40; k++) {
      const r = recommend(
        config,
        state,
        signal({
          enactedCpuMilli: cpu,
          cpuUsageMilli: 2,
          requestRate: 0,
          requestCount: 0,
          responseTimeSeconds: undefined,
        }),
      );
      expect(r.desired.cpuMilli).toBeGreaterThanOrEqual(Math.floor(cpu * 0.8));
      state = r.state;
      cpu = r.desired.cpuMilli;
      seen.push(cpu);
    }
    expect(cpu).toBeGreaterThanOrEqual(Math.floor(headroom20));
    expect(cpu).toBeLessThan(headroom20 * 1.1);
    expect(seen.at(-1)).toBe(seen.at(-2));
  });

  it('holds an idle pod it has no model for', () => {
    const r = recommend(
      config,
      undefined,
      signal({ cpuUsageMilli: 5, requestRate: 0, requestCount: 0, responseTimeSeconds: undefined }),
    );
    expect(r.terms.cpuRule).toBe('idle-hold');
    expect(r.desired.cpuMilli).toBe(1500);
  });

  it('falls back to the PI law when requests are too few for a model but enough for feedback', () => {
    const r = recommend(
      config,
      undefined,
      signal({
        enactedCpuMilli: 1000,
        cpuUsageMilli: 500,
        requestRate: 2,
        requestCount: 10,
        responseTimeSeconds: 0.3,
      }),
    );
    expect(r.terms.cpuRule).toBe('pi');
    const e = 1 / (0.2 / margin) - 1 / 0.3;
    expect(r.desired.cpuMilli).toBe(Math.ceil(1000 + 80 * e));
  });

  it('holds the CPU when usage could not be read', () => {
    const r = recommend(config, known(), signal({ usageValid: false, responseTimeSeconds: 0.5 }));
    expect(r.terms.cpuRule).toBe('no-usage');
    expect(r.desired.cpuMilli).toBe(1500);
  });

  it('skips changes smaller than the deadband unless the SLO target is missed', () => {
    const ff = (50 + sigmas * Math.sqrt(10)) * 20 + headroom20;
    const near = Math.round(ff * 1.02);
    const r = recommend(config, known(), signal({ enactedCpuMilli: near, responseTimeSeconds: 0.1 }));
    expect(r.terms.cpuRule).toBe('deadband');
    expect(r.desired.cpuMilli).toBe(near);
  });

  it('raises the model correction when the response time is worse than the queueing model predicts', () => {
    // Model: p95 = q·20/(1500 − 1000) ≈ 0.12 s; observed 0.24 s → correction sample ≈ 2.
    const r = recommend(config, known(), signal({ responseTimeSeconds: 0.24 }));
    expect(r.terms.correctionSample).toBeCloseTo(0.24 / ((q * 20) / 500), 6);
    // One window of weight latencyFitSmoothing moves the fit toward it: more headroom, not all of it.
    expect(r.state.modelCorrection).toBeGreaterThan(1);
    expect(r.state.modelCorrection).toBeLessThan(r.terms.correctionSample!);
    expect(r.terms.headroomCpuMilli).toBeGreaterThan(headroom20 * 1.1);
  });

  it('lowers the model correction slowly when the pod does better than predicted', () => {
    const r = recommend(config, known(), signal({ responseTimeSeconds: 0.06 }));
    expect(r.state.modelCorrection).toBeLessThan(1);
    expect(r.state.modelCorrection).toBeGreaterThan(r.terms.correctionSample!);
  });

  it.each([
    { rate: 10, start: 200 },
    { rate: 100, start: 500 },
    { rate: 300, start: 8000 },
  ])(
    'converges on a processor-sharing pod at $rate req/s from $start m: SLO met with ≤ load + sσ noise + margin × headroom (+5 % deadband)',
    ({ rate, start }) => {
      let state: RecommenderState | undefined;
      let cpu = start;
      let last: Partial<PodSignal> = {};
      for (let k = 0; k < 30; k++) {
        last = psPlant(cpu, rate, 20);
        const r = recommend(config, state, signal(last));
        state = r.state;
        cpu = r.desired.cpuMilli;
      }
      const optimum = rate * 20 + (20 * q) / 0.2;
      expect(last.responseTimeSeconds).toBeLessThanOrEqual(0.2);
      expect(cpu).toBeGreaterThanOrEqual(optimum);
      const noise = sigmas * Math.sqrt(rate / 5) * 20;
      const bound = (rate * 20 + noise + (margin * 20 * q) / 0.2) * 1.05;
      expect(cpu).toBeLessThanOrEqual(bound);
    },
  );
});

describe('kosmos memory', () => {
  const mem = (over: Partial<PodSignal>, state?: RecommenderState) =>
    recommend(config, state ?? known(), signal(over));

  it('grows memory to working set × 1.5 + 64Mi at once (room for requests in flight)', () => {
    const r = mem({ memoryWorkingSetBytes: 400 * MI });
    expect(r.terms.memoryRule).toBe('working-set');
    expect(r.desired.memoryBytes).toBe((400 * 1.5 + 64) * MI);
  });

  it('bumps memory after an OOM kill by the larger of +50 % and +128Mi', () => {
    expect(mem({ oomKilled: true, memoryWorkingSetBytes: 100 * MI }).desired.memoryBytes).toBe(384 * MI);
    expect(
      mem({ oomKilled: true, enactedMemoryBytes: 1000 * MI, memoryWorkingSetBytes: 100 * MI }).desired
        .memoryBytes,
    ).toBe(1500 * MI);
  });

  it('shrinks memory only after the working set is stable, by at most half per step, never below working set × 1.5', () => {
    let state: RecommenderState | undefined = known({ previousWorkingSetBytes: 100 * MI });
    let memory = 1000 * MI;
    const rules: string[] = [];
    for (let k = 0; k < 40; k++) {
      const r = recommend(
        config,
        state,
        signal({ enactedMemoryBytes: memory, memoryWorkingSetBytes: 100 * MI }),
      );
      expect(r.desired.memoryBytes).toBeGreaterThanOrEqual(Math.floor(memory * 0.5) - MI);
      state = r.state;
      memory = r.desired.memoryBytes;
      rules.push(r.terms.memoryRule);
    }
    expect(rules.slice(0, 5)).toEqual(Array(5).fill('unstable-hold'));
    expect(rules).toContain('decrease-limited');
    expect(memory).toBeGreaterThanOrEqual(100 * MI * 1.5 + 64 * MI);
    expect(memory).toBeLessThanOrEqual(100 * MI * 1.5 + 65 * MI);
  });

  it('never drops memory below the recent peak working set after a burst ends', () => {
    let state: RecommenderState | undefined = known({ previousWorkingSetBytes: 100 * MI });
    let memory = 256 * MI;
    // A burst: the working set peaks at 300Mi for one window, then falls back to 100Mi.
    const workingSets = [100, 300, ...Array(30).fill(100)];
    for (const [k, ws] of workingSets.entries()) {
      const r = recommend(
        config,
        state,
        signal({ enactedMemoryBytes: memory, memoryWorkingSetBytes: ws * MI }),
      );
      state = r.state;
      memory = r.desired.memoryBytes;
      if (k >= 1) expect(memory).toBeGreaterThan(300 * MI);
    }
  });

  it('does not shrink memory within the hold time after an OOM kill', () => {
    const r = mem(
      { memoryWorkingSetBytes: 100 * MI, enactedMemoryBytes: 1000 * MI },
      known({ stepsSinceOom: 3, workingSetStableSteps: 50, previousWorkingSetBytes: 100 * MI }),
    );
    expect(r.terms.memoryRule).toBe('unstable-hold');
    expect(r.desired.memoryBytes).toBe(1000 * MI);
  });

  it('bounds memory by the SLA max and says so', () => {
    const r = mem({ memoryWorkingSetBytes: 5000 * MI });
    expect(r.desired.memoryBytes).toBe(4096 * MI);
    expect(r.terms.memoryBoundedBySla).toBe('max');
  });
});

describe('kosmos rate dispersion', () => {
  it('plans the load for the running mean + sσ of a bursty window rate, above the last quiet window', () => {
    let state: RecommenderState | undefined = known();
    let last: ReturnType<typeof recommend> | undefined;
    // Windows alternating 20 and 80 req/s at a fixed size: mean ≈ 50, σ ≈ 30.
    for (let k = 0; k < 60; k++) {
      const rate = k % 2 === 0 ? 80 : 20;
      last = recommend(
        config,
        state,
        signal({
          enactedCpuMilli: 4000,
          requestRate: rate,
          requestCount: rate * 5,
          cpuUsageMilli: rate * 20,
        }),
      );
      state = last.state;
    }
    // The last window was a quiet one (20 req/s): the plan still covers the bursts.
    expect(last!.terms.requestRate).toBe(20);
    expect(last!.terms.rateDeviation).toBeGreaterThan(20);
    expect(last!.terms.predictedRequestRate).toBeGreaterThan(
      last!.terms.rateMean! + sigmas * last!.terms.rateDeviation! - 1e-9,
    );
    expect(last!.terms.predictedRequestRate).toBeGreaterThan(60);
  });
});

/** A pod after one OOM kill: the kubelet keeps lastState OOMKilled (oomKilled) at restart count 1. */
const afterKill = (over: Partial<PodSignal> = {}): PodSignal =>
  signal({
    enactedCpuMilli: 1000,
    cpuUsageMilli: 500,
    requestRate: 20,
    requestCount: 100,
    responseTimeSeconds: 0.1,
    memoryWorkingSetBytes: 120 * MI,
    oomKilled: true,
    restartCount: 1,
    ...over,
  });

/** Runs the windows in turn, each enacting the previous decision; returns each memory decision. */
function run(windows: PodSignal[]): { memoryBytes: number; rule: string | undefined }[] {
  let state: RecommenderState | undefined;
  let enacted = windows[0]!.enactedMemoryBytes;
  return windows.map((w) => {
    const rec = recommend(config, state, { ...w, enactedMemoryBytes: enacted });
    state = rec.state;
    enacted = rec.desired.memoryBytes;
    return { memoryBytes: rec.desired.memoryBytes, rule: rec.terms.memoryRule };
  });
}

describe('an OOM kill is answered once per restart', () => {
  it('bumps memory once while the kubelet keeps reporting the same last termination', () => {
    const steps = run([afterKill(), afterKill(), afterKill(), afterKill(), afterKill()]);
    expect(steps[0]!.rule).toBe('oom-bump');
    expect(steps[0]!.memoryBytes).toBeGreaterThan(256 * MI);
    // the same kill (restart count 1) again: no further bump, memory stays where the bump put it
    for (const s of steps.slice(1)) {
      expect(s.rule).not.toBe('oom-bump');
      expect(s.memoryBytes).toBe(steps[0]!.memoryBytes);
    }
  });

  it('bumps again on the next kill (the restart count moved)', () => {
    const steps = run([
      afterKill(),
      afterKill(),
      afterKill({ restartCount: 2 }),
      afterKill({ restartCount: 2 }),
    ]);
    expect(steps.map((s) => s.rule === 'oom-bump')).toEqual([true, false, true, false]);
    expect(steps[2]!.memoryBytes).toBeGreaterThan(steps[1]!.memoryBytes);
  });

  it('treats a signal without a restart count as a kill reported once by its source', () => {
    expect(isNewOomKill(afterKill({ restartCount: undefined }), 1)).toBe(true);
    expect(isNewOomKill(afterKill(), 1)).toBe(false);
    expect(isNewOomKill(afterKill(), undefined)).toBe(true);
    expect(isNewOomKill(afterKill({ oomKilled: false }), undefined)).toBe(false);
  });
});
