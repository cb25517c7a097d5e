// The SLA's control policy, or an error naming every field the CRD's CEL rules could not catch.
import type { CachedSla } from '../../../lib/api/cached-objects.ts';
import { policyFromSla } from '../control/index.ts';
import type { ServicePolicy } from '../control/types.ts';

export class InvalidSlaError extends Error {
  override name = 'InvalidSlaError';
}

export function policyOf(sla: CachedSla): ServicePolicy {
  const r = policyFromSla(sla.spec);
  if (r.policy) return r.policy;
  throw new InvalidSlaError(r.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
}
