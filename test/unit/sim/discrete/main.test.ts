import { describe, expect, it } from 'vitest';
import { runDiscrete } from '../../../../sim/discrete/engine.ts';
import { summarize } from '../../../../sim/discrete/main.ts';
import { scenario, scripted, service } from './fixtures.ts';

describe('sim CLI summary', () => {
  it('totals core-seconds, violations and actions per service from the recording', () => {
    const ctl = scripted(10, (o) =>
      o.nowSeconds === 10
        ? { resizes: [{ pod: 'web-0', cpuMilli: 1500 }], replicas: [{ service: 'web', replicas: 3 }] }
        : {},
    );
    const rec = runDiscrete(scenario([service('web', { arrivals: 'none' })]), {
      controller: ctl,
      durationSeconds: 60,
    });
    const [web] = summarize(rec);
    expect(web!.resizes).toBe(1);
    expect(web!.replicaChanges).toBe(1);
    expect(web!.restarts).toBe(0);
    // 2 cores for 10 s, then 2 cores + the new pod's 1 core (placed at once) and web-0's +0.5 after 2 s.
    expect(web!.allocatedCoreSeconds).toBeCloseTo(2 * 10 + 3 * 2 + 3.5 * 48, 6);
    expect(web!.usedCoreSeconds).toBeCloseTo(60, 0); // 50 rps × 20 ms = 1 core
    expect(web!.sloViolationPercent).toBeGreaterThanOrEqual(0);
  });
});
