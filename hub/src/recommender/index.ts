// Per-pod vertical recommender (pure): public surface.

export type { RecommenderConfigOverrides, RecommenderConfigRequired } from './defaults.ts';
export { KOSMOS_PI, RECOMMENDER_DEFAULTS, recommenderConfig } from './defaults.ts';
export { pooledSignal, poolWindow, recommendOnEvidence } from './evidence.ts';
export { essentialFromState, recommendKosmos } from './kosmos.ts';
export { recommendKosmosPi } from './kosmos-pi.ts';
export { headroomCpuMilli, meanResponseSeconds, statisticFactor } from './queueing.ts';
export { recommend } from './recommend.ts';
export { recommendMemory } from './steps/memory.ts';
export type * from './types.ts';
export { initialRecommenderState } from './util.ts';
