// Original file: proto/kosmos/v1/agenthub.proto

import type { Long } from '@grpc/proto-loader';

export interface ResponseTimeWindow {
  /**
   * requests finished in the window
   */
  'requestCount'?: (number | string | Long);
  'meanSeconds'?: (number | string);
  'p50Seconds'?: (number | string);
  'p90Seconds'?: (number | string);
  'p95Seconds'?: (number | string);
  'p99Seconds'?: (number | string);
  'windowSeconds'?: (number | string);
  /**
   * false when the scrape failed this tick
   */
  'valid'?: (boolean);
  'error'?: (string);
}

export interface ResponseTimeWindow__Output {
  /**
   * requests finished in the window
   */
  'requestCount': (number);
  'meanSeconds': (number);
  'p50Seconds': (number);
  'p90Seconds': (number);
  'p95Seconds': (number);
  'p99Seconds': (number);
  'windowSeconds': (number);
  /**
   * false when the scrape failed this tick
   */
  'valid': (boolean);
  'error': (string);
}
