// Original file: proto/kosmos/v1/status.proto


export interface WatchDecisionsRequest {
  /**
   * empty = all
   */
  'namespace'?: (string);
}

export interface WatchDecisionsRequest__Output {
  /**
   * empty = all
   */
  'namespace': (string);
}
