// A fixed CPU-bound reference loop timed at the start and end of a run: on a shared, noisy machine
// it tells how much of a difference between runs is the machine rather than the code.
import { loadavg } from 'node:os';

export interface Calibration {
  /** Wall time of the reference loop, ms (lower = faster or quieter machine). */
  referenceLoopMs: number;
  loadAverage1m: number;
}

export function calibrate(iterations = 20_000_000): Calibration {
  const t0 = performance.now();
  let acc = 0;
  for (let i = 1; i <= iterations; i++) acc += Math.sqrt(i) % 7;
  const referenceLoopMs = performance.now() - t0;
  // keep the loop from being optimized away
  if (acc < 0) throw new Error('unreachable');
  return { referenceLoopMs, loadAverage1m: loadavg()[0] ?? 0 };
}
