// Original file: proto/kosmos/v1/agenthub.proto

export const ArbitrationPolicy = {
  ARBITRATION_POLICY_UNSPECIFIED: 'ARBITRATION_POLICY_UNSPECIFIED',
  ARBITRATION_POLICY_PROPORTIONAL: 'ARBITRATION_POLICY_PROPORTIONAL',
  ARBITRATION_POLICY_MINIMUM_FIRST: 'ARBITRATION_POLICY_MINIMUM_FIRST',
} as const;

export type ArbitrationPolicy =
  | 'ARBITRATION_POLICY_UNSPECIFIED'
  | 0
  | 'ARBITRATION_POLICY_PROPORTIONAL'
  | 1
  | 'ARBITRATION_POLICY_MINIMUM_FIRST'
  | 2

export type ArbitrationPolicy__Output = typeof ArbitrationPolicy[keyof typeof ArbitrationPolicy]
