import { describe, expect, it } from 'vitest';
import { decideDesiredWrite } from '../../../../hub/src/sla/desired-write-gate.ts';

const MI = 2 ** 20;
const written = { cpuMilli: 1000, memoryBytes: 256 * MI };

type Bounds = Parameters<typeof decideDesiredWrite>[4];

describe('decideDesiredWrite (PodScale spec.desired)', () => {
  it.each<{
    name: string;
    w: typeof written | undefined;
    cpu: number;
    mem: number;
    last: number | undefined;
    now: number;
    out: string;
    bounds?: Bounds;
  }>([
    {
      name: 'never written: at once',
      w: undefined,
      cpu: 1000,
      mem: 256,
      last: undefined,
      now: 0,
      out: 'first',
    },
    {
      name: 'a CPU growth beyond 5 %: at once',
      w: written,
      cpu: 1100,
      mem: 256,
      last: 50_000,
      now: 51_000,
      out: 'growth',
    },
    {
      name: 'a memory growth: at once',
      w: written,
      cpu: 1000,
      mem: 300,
      last: 50_000,
      now: 51_000,
      out: 'growth',
    },
    {
      name: 'within the deadband: never',
      w: written,
      cpu: 1040,
      mem: 256,
      last: 0,
      now: 600_000,
      out: 'unchanged',
    },
    {
      name: 'a shrink within a minute of the last write: held back',
      w: written,
      cpu: 800,
      mem: 256,
      last: 10_000,
      now: 69_999,
      out: 'too-soon',
    },
    {
      name: 'a shrink a minute after the last write: written',
      w: written,
      cpu: 800,
      mem: 256,
      last: 10_000,
      now: 70_000,
      out: 'changed',
    },
    {
      name: 'a shrink with no write remembered (hub restarted): written',
      w: written,
      cpu: 800,
      mem: 256,
      last: undefined,
      now: 5_000,
      out: 'changed',
    },
    {
      name: 'CPU down, memory up: the growth goes at once',
      w: written,
      cpu: 800,
      mem: 300,
      last: 50_000,
      now: 51_000,
      out: 'growth',
    },
  ])('$name', ({ w, cpu, mem, last, now, out, bounds }) => {
    const d = decideDesiredWrite(w, { cpuMilli: cpu, memoryBytes: mem * MI }, last, now, bounds);
    expect(d.why).toBe(out);
    expect(d.write).toBe(out !== 'unchanged' && out !== 'too-soon');
  });

  it('a decision drifting down every 5 s is written at most once a minute, and ends near where it settled', () => {
    let w = { ...written };
    let last: number | undefined = 0;
    const writesAt: number[] = [];
    for (let k = 1; k <= 120; k++) {
      const nowMs = k * 5000;
      const next = { cpuMilli: Math.max(500, 1000 - k * 10), memoryBytes: written.memoryBytes };
      const d = decideDesiredWrite(w, next, last, nowMs);
      if (!d.write) continue;
      writesAt.push(nowMs);
      w = next;
      last = nowMs;
    }
    expect(writesAt.length).toBeGreaterThan(0);
    for (let i = 1; i < writesAt.length; i++) {
      expect((writesAt[i] as number) - (writesAt[i - 1] as number)).toBeGreaterThanOrEqual(60_000);
    }
    expect(writesAt.length).toBeLessThanOrEqual(10);
    expect(w.cpuMilli).toBeLessThanOrEqual(500 * 1.05); // within the deadband of where it settled
  });
});
