// Original file: proto/kosmos/v1/status.proto


export interface GetPodRequest {
  'namespace'?: (string);
  'name'?: (string);
}

export interface GetPodRequest__Output {
  'namespace': (string);
  'name': (string);
}
