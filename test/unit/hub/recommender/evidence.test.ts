import { describe, expect, it } from 'vitest';
import { pooledSignal, poolWindow, recommendOnEvidence } from '../../../../hub/src/recommender/evidence.ts';
import type { PodSignal, RecommenderState } from '../../../../hub/src/recommender/index.ts';
import { recommend, recommenderConfig, recommendKosmos } from '../../../../hub/src/recommender/index.ts';

const MI = 1024 * 1024;
const config = recommenderConfig({
  sloSeconds: 0.2,
  minCpuMilli: 50,
  maxCpuMilli: 8000,
  minMemoryBytes: 64 * MI,
  maxMemoryBytes: 4096 * MI,
});

/** A 1 s window of a pod at 1500m serving 50 req/s of 20 core-ms requests well inside its SLO. */
const second = (over: Partial<PodSignal> = {}): PodSignal => ({
  periodSeconds: 1,
  enactedCpuMilli: 1500,
  enactedMemoryBytes: 512 * MI,
  cpuUsageMilli: 1000,
  throttledRatio: 0,
  requestRate: 50,
  requestCount: 50,
  responseTimeSeconds: 0.1,
  memoryWorkingSetBytes: 200 * MI,
  oomKilled: false,
  ...over,
});
const known: RecommenderState = {
  steps: 10,
  previousError: 0,
  cpuCostMilliSecondsPerRequest: 20,
  modelCorrection: 1,
  previousRequestRate: 50,
  rateMean: 50,
  rateVariance: 0,
  previousWorkingSetBytes: 200 * MI,
  workingSetStableSteps: 0,
};

function run(state: RecommenderState, signals: PodSignal[]) {
  const out = [];
  let s = state;
  for (const signal of signals) {
    const rec = recommend(config, s, signal);
    out.push(rec);
    s = rec.state;
  }
  return out;
}

describe('recommender evidence pooling (control periods shorter than the 5 s horizon)', () => {
  it('runs the law unchanged when the period equals the horizon', () => {
    const signal = second({ periodSeconds: 5, requestCount: 150, cpuUsageMilli: 600, requestRate: 30 });
    const pooled = recommend(config, known, signal);
    const direct = recommendKosmos(config, known, signal);
    expect(pooled.desired).toEqual(direct.desired);
    expect(pooled.terms.cpuRule).toBe(direct.terms.cpuRule);
    expect(pooled.state.modelCorrection).toBe(direct.state.modelCorrection);
    expect(pooled.reason).toBe(direct.reason);
    expect(pooled.reason).toMatch(/^cpu \d+m → \d+m \(/);
  });

  it("gives a decision committed on pooled evidence the law's own reason, built from its terms", () => {
    const signals = [40, 62, 45, 58, 45].map((r) =>
      second({ requestRate: r, requestCount: r, cpuUsageMilli: r * 20 }),
    );
    const recs = run(known, signals);
    const before = recs[3]?.state as RecommenderState;
    const last = signals[4] as PodSignal;
    const direct = recommendKosmos(config, before, pooledSignal(poolWindow(before.evidence, last), last));
    expect(recs[4]?.terms.cpuRule).not.toBe('pooling');
    expect(recs[4]?.reason).toBe(direct.reason);
    expect(recs[0]?.reason).toMatch(/held \(pooling\)/);
  });

  it('holds the allocation through 1 s windows with a noisy but healthy rate, then decides on 5 s of evidence', () => {
    const rates = [40, 62, 45, 58, 45];
    const recs = run(
      known,
      rates.map((r) => second({ requestRate: r, requestCount: r, cpuUsageMilli: r * 20 })),
    );
    for (const rec of recs.slice(0, 4)) {
      expect(rec.terms.cpuRule).toBe('pooling');
      expect(rec.desired.cpuMilli).toBe(1500);
    }
    const last = recs[4]!;
    expect(last.terms.cpuRule).not.toBe('pooling');
    expect(last.terms.evidenceSeconds).toBe(5);
    expect(last.terms.requestRate).toBeCloseTo(50, 9);
    expect(last.state.evidence).toBeUndefined();
  });

  it('grows at once when a 1 s window misses the SLO itself', () => {
    const [rec] = run(known, [
      second({ cpuUsageMilli: 1400, requestRate: 70, requestCount: 70, responseTimeSeconds: 0.35 }),
    ]);
    expect(rec!.terms.cpuRule).not.toBe('pooling');
    expect(rec!.desired.cpuMilli).toBeGreaterThan(1500);
  });

  it('does not re-ask a growth that is still being enacted', () => {
    const violating = second({
      cpuUsageMilli: 1400,
      requestRate: 70,
      requestCount: 70,
      responseTimeSeconds: 0.35,
    });
    const [first, again] = run(known, [violating, violating]);
    expect(first!.desired.cpuMilli).toBeGreaterThan(1500);
    expect(again!.terms.cpuRule).toBe('pooling');
    expect(again!.desired).toEqual(first!.desired);
  });

  it('takes the last step up to the SLA max even when it is within the deadband', () => {
    // Max 1550m, 50m above the pod: 5 s at 60 req/s want more than the max, inside the SLO.
    const capped = recommenderConfig({ ...config, maxCpuMilli: 1550 });
    let state: RecommenderState = known;
    let rec: ReturnType<typeof recommend> | undefined;
    for (let i = 0; i < 5; i++) {
      rec = recommend(capped, state, second({ requestRate: 60, requestCount: 60, cpuUsageMilli: 1200 }));
      state = rec.state;
    }
    expect(rec!.terms.evidenceSeconds).toBe(5);
    expect(rec!.terms.unboundedCpuMilli).toBeGreaterThan(1550);
    expect(rec!.desired.cpuMilli).toBe(1550);
  });

  it('never lowers a standing growth on an urgent short window (a re-asked resize restarts)', () => {
    // A surge seen through 1 s windows: each urgent decision rests on a different slice of
    // evidence; the scripted law answers 1696m, 2000m, then 1696m again.
    const script = [1696, 2000, 1696];
    const law: typeof recommendKosmos = (c, s, sig) => {
      const r = recommendKosmos(c, s, sig);
      return {
        ...r,
        desired: { ...r.desired, cpuMilli: script.shift()! },
        terms: { ...r.terms, hiddenDemand: true },
      };
    };
    const surge = second({
      enactedCpuMilli: 848,
      cpuUsageMilli: 845,
      requestRate: 42,
      requestCount: 42,
      responseTimeSeconds: 4,
    });
    let state: RecommenderState | undefined = known;
    const desired: number[] = [];
    // The third window also brings a working set that needs memory at once (a commit either way).
    const windows = [surge, surge, { ...surge, memoryWorkingSetBytes: 420 * MI }];
    for (const window of windows) {
      const rec = recommendOnEvidence(config, state, window, law);
      desired.push(rec.desired.cpuMilli);
      state = rec.state;
    }
    expect(desired).toEqual([1696, 2000, 2000]);
  });

  it('grows memory at once only when the working set has eaten half its margin', () => {
    // 512 Mi enacted, margin 50 %: a 320 Mi working set wants 544 Mi but has room (waits for the
    // full window); a 420 Mi one (420·1.25 > 512) is urgent.
    const [roomy] = run(known, [second({ memoryWorkingSetBytes: 320 * MI })]);
    expect(roomy!.terms.cpuRule).toBe('pooling');
    expect(roomy!.desired.memoryBytes).toBe(512 * MI);
    const [tight] = run(known, [second({ memoryWorkingSetBytes: 420 * MI })]);
    expect(tight!.terms.cpuRule).not.toBe('pooling');
    expect(tight!.desired.memoryBytes).toBeGreaterThanOrEqual(420 * 1.5 * MI);
  });

  it('answers an OOM kill in the window it is seen', () => {
    const [rec] = run(known, [second({ oomKilled: true, memoryWorkingSetBytes: 500 * MI })]);
    expect(rec!.terms.memoryRule).toBe('oom-bump');
    expect(rec!.desired.memoryBytes).toBeGreaterThan(512 * MI);
  });

  it('restarts the pooled window when the enacted CPU changes', () => {
    const a = poolWindow(undefined, second());
    const b = poolWindow(a, second());
    expect(b.seconds).toBe(2);
    const c = poolWindow(b, second({ enactedCpuMilli: 1800 }));
    expect(c.seconds).toBe(1);
    expect(c.requestCount).toBe(50);
  });

  it('pools usage by time, response time by finished requests and memory by its peak', () => {
    let w = poolWindow(undefined, second({ cpuUsageMilli: 600, requestCount: 10, responseTimeSeconds: 0.4 }));
    w = poolWindow(
      w,
      second({
        cpuUsageMilli: 1200,
        requestCount: 30,
        responseTimeSeconds: 0.2,
        memoryWorkingSetBytes: 300 * MI,
      }),
    );
    w = poolWindow(
      w,
      second({ cpuUsageMilli: 0, usageValid: false, requestCount: 0, responseTimeSeconds: undefined }),
    );
    const s = pooledSignal(w, second());
    expect(s.periodSeconds).toBe(3);
    expect(s.cpuUsageMilli).toBeCloseTo(900, 9);
    expect(s.requestCount).toBe(40);
    expect(s.requestRate).toBeCloseTo(40 / 3, 9);
    expect(s.responseTimeSeconds).toBeCloseTo((0.4 * 10 + 0.2 * 30) / 40, 9);
    expect(s.memoryWorkingSetBytes).toBe(300 * MI);
  });
});
