import { describe, expect, it } from 'vitest';
import { shardSlice } from '../../../../bench/speed/hub-shards.ts';

describe('shardSlice', () => {
  it.each([
    { shards: 1, slas: 5000, podsPerNode: 30 },
    { shards: 2, slas: 2500, podsPerNode: 15 },
    { shards: 3, slas: 1667, podsPerNode: 10 },
    { shards: 4, slas: 1250, podsPerNode: 8 },
  ])('one of $shards shards plans $slas SLAs and sees $podsPerNode pods per node', (c) => {
    expect(shardSlice(c.shards, { slas: 5000, podsPerNode: 30 })).toEqual({
      slas: c.slas,
      podsPerNode: c.podsPerNode,
    });
  });
});
