import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Decision as _kosmos_v1_Decision, Decision__Output as _kosmos_v1_Decision__Output } from './kosmos/v1/Decision.ts';
import type { GetPodRequest as _kosmos_v1_GetPodRequest, GetPodRequest__Output as _kosmos_v1_GetPodRequest__Output } from './kosmos/v1/GetPodRequest.ts';
import type { GetServiceRequest as _kosmos_v1_GetServiceRequest, GetServiceRequest__Output as _kosmos_v1_GetServiceRequest__Output } from './kosmos/v1/GetServiceRequest.ts';
import type { HubStatusClient as _kosmos_v1_HubStatusClient, HubStatusDefinition as _kosmos_v1_HubStatusDefinition } from './kosmos/v1/HubStatus.ts';
import type { ListSlasRequest as _kosmos_v1_ListSlasRequest, ListSlasRequest__Output as _kosmos_v1_ListSlasRequest__Output } from './kosmos/v1/ListSlasRequest.ts';
import type { ListSlasResponse as _kosmos_v1_ListSlasResponse, ListSlasResponse__Output as _kosmos_v1_ListSlasResponse__Output } from './kosmos/v1/ListSlasResponse.ts';
import type { PodStatus as _kosmos_v1_PodStatus, PodStatus__Output as _kosmos_v1_PodStatus__Output } from './kosmos/v1/PodStatus.ts';
import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from './kosmos/v1/Resources.ts';
import type { ServiceStatus as _kosmos_v1_ServiceStatus, ServiceStatus__Output as _kosmos_v1_ServiceStatus__Output } from './kosmos/v1/ServiceStatus.ts';
import type { SlaSummary as _kosmos_v1_SlaSummary, SlaSummary__Output as _kosmos_v1_SlaSummary__Output } from './kosmos/v1/SlaSummary.ts';
import type { WatchDecisionsRequest as _kosmos_v1_WatchDecisionsRequest, WatchDecisionsRequest__Output as _kosmos_v1_WatchDecisionsRequest__Output } from './kosmos/v1/WatchDecisionsRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  kosmos: {
    v1: {
      Decision: MessageTypeDefinition<_kosmos_v1_Decision, _kosmos_v1_Decision__Output>
      GetPodRequest: MessageTypeDefinition<_kosmos_v1_GetPodRequest, _kosmos_v1_GetPodRequest__Output>
      GetServiceRequest: MessageTypeDefinition<_kosmos_v1_GetServiceRequest, _kosmos_v1_GetServiceRequest__Output>
      HubStatus: SubtypeConstructor<typeof grpc.Client, _kosmos_v1_HubStatusClient> & { service: _kosmos_v1_HubStatusDefinition }
      ListSlasRequest: MessageTypeDefinition<_kosmos_v1_ListSlasRequest, _kosmos_v1_ListSlasRequest__Output>
      ListSlasResponse: MessageTypeDefinition<_kosmos_v1_ListSlasResponse, _kosmos_v1_ListSlasResponse__Output>
      PodStatus: MessageTypeDefinition<_kosmos_v1_PodStatus, _kosmos_v1_PodStatus__Output>
      Resources: MessageTypeDefinition<_kosmos_v1_Resources, _kosmos_v1_Resources__Output>
      ServiceStatus: MessageTypeDefinition<_kosmos_v1_ServiceStatus, _kosmos_v1_ServiceStatus__Output>
      SlaSummary: MessageTypeDefinition<_kosmos_v1_SlaSummary, _kosmos_v1_SlaSummary__Output>
      WatchDecisionsRequest: MessageTypeDefinition<_kosmos_v1_WatchDecisionsRequest, _kosmos_v1_WatchDecisionsRequest__Output>
    }
  }
}

