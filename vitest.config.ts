import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most long files wait on real time (an embedded cluster, a real Prometheus, child processes),
    // not on a core: two at once on a 2-core machine, where vitest's default (cores − 1) runs one.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
