import { describe, expect, it } from 'vitest';
import { hubNodeOptions } from '../../../../bench/speed/hub-process.ts';
import { HUB_NODE_OPTIONS } from '../../../../build-entries.ts';

describe('hubNodeOptions', () => {
  it('runs the hub benchmarks under the options the hub ships with', () => {
    expect(hubNodeOptions({})).toEqual({ flags: [...HUB_NODE_OPTIONS], overridden: false });
    expect(hubNodeOptions({ KOSMOS_HUB_NODE_OPTIONS: '' })).toEqual({
      flags: [...HUB_NODE_OPTIONS],
      overridden: false,
    });
  });

  it('takes KOSMOS_HUB_NODE_OPTIONS instead, as the image does', () => {
    expect(hubNodeOptions({ KOSMOS_HUB_NODE_OPTIONS: ' --max-semi-space-size=8  --trace-gc ' })).toEqual({
      flags: ['--max-semi-space-size=8', '--trace-gc'],
      overridden: true,
    });
    // blank: V8's defaults, as the entrypoint passes nothing then
    expect(hubNodeOptions({ KOSMOS_HUB_NODE_OPTIONS: ' ' })).toEqual({ flags: [], overridden: true });
  });
});
