import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most long files wait on real time (an embedded cluster, a real Prometheus, child processes),
    // not on a core: two at once on a 2-core machine, where vitest's default (cores − 1) runs one.
    maxWorkers: 2,
    reporters: ['default'],
    // Projects start in name order, so the longest file (the e2e demo, ~100 s of real time) starts
    // first on a clean clone too, instead of by file size (last) when vitest has no timings cached.
    projects: [
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'system',
          include: [
            'test/integration/**/*.test.ts',
            'test/faults/**/*.test.ts',
            'packages/*/test/integration/**/*.test.ts',
          ],
        },
      },
      // Pure code: no process state to leak, so files share a worker instead of paying ~0.6 s each
      // to spawn one.
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'packages/*/test/unit/**/*.test.ts'],
          isolate: false,
        },
      },
    ],
  },
});
