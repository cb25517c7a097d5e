// Node-contention arbitration (pure): public surface.
export { arbitrate, nodeCapacity } from './arbitrate.ts';
export { shareByWeight } from './share.ts';
export type * from './types.ts';
