// Original file: proto/kosmos/v1/status.proto


export interface GetServiceRequest {
  'namespace'?: (string);
  /**
   * SLA name
   */
  'name'?: (string);
}

export interface GetServiceRequest__Output {
  'namespace': (string);
  /**
   * SLA name
   */
  'name': (string);
}
