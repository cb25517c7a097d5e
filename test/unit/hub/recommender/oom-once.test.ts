import { describe, expect, it } from 'vitest';
import type { PodSignal, RecommenderState } from '../../../../hub/src/recommender/index.ts';
import { recommend, recommenderConfig } from '../../../../hub/src/recommender/index.ts';
import { isNewOomKill } from '../../../../hub/src/recommender/recommend.ts';

const MI = 1024 * 1024;
const config = recommenderConfig({
  sloSeconds: 0.2,
  minCpuMilli: 50,
  maxCpuMilli: 8000,
  minMemoryBytes: 64 * MI,
  maxMemoryBytes: 4096 * MI,
});

/** A pod after one OOM kill: the kubelet keeps lastState OOMKilled (oomKilled) at restart count 1. */
const afterKill = (over: Partial<PodSignal> = {}): PodSignal => ({
  periodSeconds: 5,
  enactedCpuMilli: 1000,
  enactedMemoryBytes: 256 * MI,
  cpuUsageMilli: 500,
  throttledRatio: 0,
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
