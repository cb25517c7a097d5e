// The balancer tests need a real HAProxy: without one this fails (never skips) and says how to get it.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { requireHaproxy } from './harness.ts';

describe('HAProxy for the balancer tests', () => {
  it('is installed, 2.x or newer (else run .ci/install-haproxy)', () => {
    requireHaproxy();
    const version = spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).stdout;
    expect(Number(/version (\d+)\./i.exec(version)?.[1])).toBeGreaterThanOrEqual(2);
  });
});
