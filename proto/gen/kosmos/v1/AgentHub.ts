// Original file: proto/kosmos/v1/agenthub.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentMessage as _kosmos_v1_AgentMessage, AgentMessage__Output as _kosmos_v1_AgentMessage__Output } from '../../kosmos/v1/AgentMessage.ts';
import type { HubMessage as _kosmos_v1_HubMessage, HubMessage__Output as _kosmos_v1_HubMessage__Output } from '../../kosmos/v1/HubMessage.ts';

export interface AgentHubClient extends grpc.Client {
  /**
   * The agent opens the stream, sends an AgentMessage{hello} first, then one
   * AgentMessage{report} every tick. The hub answers the hello with HubMessage{welcome}
   * and every report with HubMessage{directive}.
   */
  Connect(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_kosmos_v1_AgentMessage, _kosmos_v1_HubMessage__Output>;
  Connect(options?: grpc.CallOptions): grpc.ClientDuplexStream<_kosmos_v1_AgentMessage, _kosmos_v1_HubMessage__Output>;
  /**
   * The agent opens the stream, sends an AgentMessage{hello} first, then one
   * AgentMessage{report} every tick. The hub answers the hello with HubMessage{welcome}
   * and every report with HubMessage{directive}.
   */
  connect(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_kosmos_v1_AgentMessage, _kosmos_v1_HubMessage__Output>;
  connect(options?: grpc.CallOptions): grpc.ClientDuplexStream<_kosmos_v1_AgentMessage, _kosmos_v1_HubMessage__Output>;
  
}

export interface AgentHubHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The agent opens the stream, sends an AgentMessage{hello} first, then one
   * AgentMessage{report} every tick. The hub answers the hello with HubMessage{welcome}
   * and every report with HubMessage{directive}.
   */
  Connect: grpc.handleBidiStreamingCall<_kosmos_v1_AgentMessage__Output, _kosmos_v1_HubMessage>;
  
}

export interface AgentHubDefinition extends grpc.ServiceDefinition {
  Connect: MethodDefinition<_kosmos_v1_AgentMessage, _kosmos_v1_HubMessage, _kosmos_v1_AgentMessage__Output, _kosmos_v1_HubMessage__Output>
}
