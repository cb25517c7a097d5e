// The SLA's control policy, or an error naming every field the CRD's CEL rules could not catch.
import type { ServiceLevelAgreement } from '../../../lib/api/types.ts';
import { policyFromSla } from '../control/index.ts';
import type { ServicePolicy } from '../control/types.ts';

export class InvalidSlaError extends Error {
  override name = 'InvalidSlaError';
}

export function policyOf(sla: ServiceLevelAgreement): ServicePolicy {
  const r = policyFromSla(sla.spec);
  if (r.policy) return r.policy;
  throw new InvalidSlaError(r.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
}
