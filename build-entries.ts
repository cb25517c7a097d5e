// The image's entry points: what npm run build bundles into dist/<name>.mjs.
export const ENTRIES = {
  agent: 'agent/src/main.ts',
  hub: 'hub/src/main.ts',
  kosmosctl: 'hub/src/cli/kosmosctl.ts',
  balancer: 'hub/src/balancer/main.ts',
  'sample-app': 'sample/app.ts',
} as const;

export const ENTRY_NAMES = Object.keys(ENTRIES) as (keyof typeof ENTRIES)[];
