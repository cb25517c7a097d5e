import { describe, expect, it } from 'vitest';
import { DecisionLog } from '../../../lib/decision-log.ts';

describe('decision log', () => {
  it('emits a decision once per change, keyed by id, and again after the id is forgotten', () => {
    const log = new DecisionLog();
    const lines: unknown[] = [];
    const emit = (f: Record<string, unknown>) => lines.push(f);
    log.log('a', { granted: 1, free: 10 }, emit, [1]);
    log.log('a', { granted: 1, free: 12 }, emit, [1]); // inputs moved, decision did not
    log.log('b', { granted: 1 }, emit);
    log.log('a', { granted: 2, free: 12 }, emit, [2]);
    log.retain((id) => id !== 'b');
    log.log('b', { granted: 1 }, emit);
    expect(lines).toEqual([
      { granted: 1, free: 10 },
      { granted: 1 },
      { granted: 2, free: 12 },
      { granted: 1 },
    ]);
  });
});
