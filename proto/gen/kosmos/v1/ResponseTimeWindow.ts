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
  /**
   * between the two scrapes' own timestamps (response received, or the exposition's)
   */
  'windowSeconds'?: (number | string);
  /**
   * false when there is no window this tick (error says why)
   */
  'valid'?: (boolean);
  'error'?: (string);
  /**
   * Set while the pod's metrics endpoint fails (ScrapeTimeout, ScrapeConnectionFailed,
   * ScrapeHTTPStatus, ScrapeBadPayload, ScrapeNotANumber, ScrapeTooLarge), from the first failed
   * scrape until one succeeds, also on ticks whose scrape is still in flight; error has the details.
   */
  'failureReason'?: (string);
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
  /**
   * between the two scrapes' own timestamps (response received, or the exposition's)
   */
  'windowSeconds': (number);
  /**
   * false when there is no window this tick (error says why)
   */
  'valid': (boolean);
  'error': (string);
  /**
   * Set while the pod's metrics endpoint fails (ScrapeTimeout, ScrapeConnectionFailed,
   * ScrapeHTTPStatus, ScrapeBadPayload, ScrapeNotANumber, ScrapeTooLarge), from the first failed
   * scrape until one succeeds, also on ticks whose scrape is still in flight; error has the details.
   */
  'failureReason': (string);
}
