// Original file: proto/kosmos/v1/agenthub.proto


/**
 * First message on a stream: who the node is and which protocol it speaks.
 */
export interface Hello {
  'nodeName'?: (string);
  /**
   * currently 1
   */
  'protocolVersion'?: (number);
  'agentVersion'?: (string);
  /**
   * Identity proof (projected ServiceAccount token) when the hub requires it.
   */
  'token'?: (string);
}

/**
 * First message on a stream: who the node is and which protocol it speaks.
 */
export interface Hello__Output {
  'nodeName': (string);
  /**
   * currently 1
   */
  'protocolVersion': (number);
  'agentVersion': (string);
  /**
   * Identity proof (projected ServiceAccount token) when the hub requires it.
   */
  'token': (string);
}
