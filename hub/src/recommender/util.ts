// Small helpers shared by the recommender laws: bounds, rounding, initial state, formatting.
import type { RecommenderState } from './types.ts';

export function initialRecommenderState(): RecommenderState {
  return { steps: 0, modelCorrection: 1, workingSetStableSteps: 0 };
}

/** Clamps to [min, max] and says which bound cut (max wins when min > max). */
export function boundBy(
  value: number,
  min: number,
  max: number,
): { value: number; bound: 'min' | 'max' | 'none' } {
  if (value > max) return { value: max, bound: 'max' };
  if (value < min) return { value: min, bound: 'min' };
  return { value, bound: 'none' };
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function formatCpu(cpuMilli: number): string {
  return `${Math.round(cpuMilli)}m`;
}

export function formatMemory(memoryBytes: number): string {
  const mi = memoryBytes / (1024 * 1024);
  return Number.isInteger(mi) ? `${mi}Mi` : `${mi.toFixed(1)}Mi`;
}

export function formatSeconds(seconds: number | undefined): string {
  return seconds === undefined ? 'none' : `${(seconds * 1000).toFixed(0)}ms`;
}
