// Per-service control (pure), shared by the live hub and the discrete-time simulator: public surface.
export { aggregateService } from './aggregate.ts';
export { planService } from './plan.ts';
export type { PolicyFieldError, PolicyResult } from './policy.ts';
export { POLICY_DEFAULTS, policyFromSla } from './policy.ts';
export type * from './types.ts';
