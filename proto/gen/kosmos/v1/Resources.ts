// Original file: proto/kosmos/v1/common.proto

import type { Long } from '@grpc/proto-loader';

/**
 * An allocation: CPU in millicores, memory in bytes.
 */
export interface Resources {
  'cpuMilli'?: (number | string | Long);
  'memoryBytes'?: (number | string | Long);
}

/**
 * An allocation: CPU in millicores, memory in bytes.
 */
export interface Resources__Output {
  'cpuMilli': (number);
  'memoryBytes': (number);
}
