// Original file: proto/kosmos/v1/agenthub.proto


export interface Welcome {
  'protocolVersion'?: (number);
  'hubId'?: (string);
  'tickPeriodMs'?: (number);
}

export interface Welcome__Output {
  'protocolVersion': (number);
  'hubId': (string);
  'tickPeriodMs': (number);
}
