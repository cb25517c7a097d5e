import { describe, expect, it } from 'vitest';
import { parseHubConfig } from '../../../hub/src/config.ts';

describe('parseHubConfig', () => {
  it('applies the documented defaults', () => {
    expect(parseHubConfig([], {})).toMatchObject({
      grpcPort: 7070,
      periodMs: 1000,
      nodeStaleAfterMs: 15_000,
      nodesAutoscaled: false,
    });
  });

  it.each([
    { argv: ['--nodes-autoscaled'], env: {}, expected: true },
    { argv: [], env: { KOSMOS_NODES_AUTOSCALED: 'true' }, expected: true },
    { argv: ['--nodes-autoscaled=false'], env: { KOSMOS_NODES_AUTOSCALED: 'true' }, expected: false },
  ])('nodes autoscaled from $argv / $env → $expected', ({ argv, env, expected }) => {
    expect(parseHubConfig(argv, env).nodesAutoscaled).toBe(expected);
  });

  it('refuses a value that is not a boolean', () => {
    expect(() => parseHubConfig([], { KOSMOS_NODES_AUTOSCALED: 'maybe' })).toThrow(/nodes/i);
  });
});
