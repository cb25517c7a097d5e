// Original file: proto/kosmos/v1/status.proto


export interface ListSlasRequest {
  /**
   * empty = all
   */
  'namespace'?: (string);
}

export interface ListSlasRequest__Output {
  /**
   * empty = all
   */
  'namespace': (string);
}
