import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentHubClient as _kosmos_v1_AgentHubClient, AgentHubDefinition as _kosmos_v1_AgentHubDefinition } from './kosmos/v1/AgentHub.ts';
import type { AgentMessage as _kosmos_v1_AgentMessage, AgentMessage__Output as _kosmos_v1_AgentMessage__Output } from './kosmos/v1/AgentMessage.ts';
import type { Hello as _kosmos_v1_Hello, Hello__Output as _kosmos_v1_Hello__Output } from './kosmos/v1/Hello.ts';
import type { HubMessage as _kosmos_v1_HubMessage, HubMessage__Output as _kosmos_v1_HubMessage__Output } from './kosmos/v1/HubMessage.ts';
import type { NodeDirective as _kosmos_v1_NodeDirective, NodeDirective__Output as _kosmos_v1_NodeDirective__Output } from './kosmos/v1/NodeDirective.ts';
import type { NodeReport as _kosmos_v1_NodeReport, NodeReport__Output as _kosmos_v1_NodeReport__Output } from './kosmos/v1/NodeReport.ts';
import type { PodDirective as _kosmos_v1_PodDirective, PodDirective__Output as _kosmos_v1_PodDirective__Output } from './kosmos/v1/PodDirective.ts';
import type { PodReport as _kosmos_v1_PodReport, PodReport__Output as _kosmos_v1_PodReport__Output } from './kosmos/v1/PodReport.ts';
import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from './kosmos/v1/Resources.ts';
import type { ResponseTimeWindow as _kosmos_v1_ResponseTimeWindow, ResponseTimeWindow__Output as _kosmos_v1_ResponseTimeWindow__Output } from './kosmos/v1/ResponseTimeWindow.ts';
import type { Welcome as _kosmos_v1_Welcome, Welcome__Output as _kosmos_v1_Welcome__Output } from './kosmos/v1/Welcome.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  kosmos: {
    v1: {
      AgentHub: SubtypeConstructor<typeof grpc.Client, _kosmos_v1_AgentHubClient> & { service: _kosmos_v1_AgentHubDefinition }
      AgentMessage: MessageTypeDefinition<_kosmos_v1_AgentMessage, _kosmos_v1_AgentMessage__Output>
      ArbitrationPolicy: EnumTypeDefinition
      CapReason: EnumTypeDefinition
      Hello: MessageTypeDefinition<_kosmos_v1_Hello, _kosmos_v1_Hello__Output>
      HubMessage: MessageTypeDefinition<_kosmos_v1_HubMessage, _kosmos_v1_HubMessage__Output>
      NodeDirective: MessageTypeDefinition<_kosmos_v1_NodeDirective, _kosmos_v1_NodeDirective__Output>
      NodeReport: MessageTypeDefinition<_kosmos_v1_NodeReport, _kosmos_v1_NodeReport__Output>
      PodDirective: MessageTypeDefinition<_kosmos_v1_PodDirective, _kosmos_v1_PodDirective__Output>
      PodReport: MessageTypeDefinition<_kosmos_v1_PodReport, _kosmos_v1_PodReport__Output>
      ResizeState: EnumTypeDefinition
      Resources: MessageTypeDefinition<_kosmos_v1_Resources, _kosmos_v1_Resources__Output>
      ResponseTimeWindow: MessageTypeDefinition<_kosmos_v1_ResponseTimeWindow, _kosmos_v1_ResponseTimeWindow__Output>
      Welcome: MessageTypeDefinition<_kosmos_v1_Welcome, _kosmos_v1_Welcome__Output>
    }
  }
}

