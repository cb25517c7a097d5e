// Original file: proto/kosmos/v1/status.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Decision as _kosmos_v1_Decision, Decision__Output as _kosmos_v1_Decision__Output } from '../../kosmos/v1/Decision.ts';
import type { GetPodRequest as _kosmos_v1_GetPodRequest, GetPodRequest__Output as _kosmos_v1_GetPodRequest__Output } from '../../kosmos/v1/GetPodRequest.ts';
import type { GetServiceRequest as _kosmos_v1_GetServiceRequest, GetServiceRequest__Output as _kosmos_v1_GetServiceRequest__Output } from '../../kosmos/v1/GetServiceRequest.ts';
import type { ListSlasRequest as _kosmos_v1_ListSlasRequest, ListSlasRequest__Output as _kosmos_v1_ListSlasRequest__Output } from '../../kosmos/v1/ListSlasRequest.ts';
import type { ListSlasResponse as _kosmos_v1_ListSlasResponse, ListSlasResponse__Output as _kosmos_v1_ListSlasResponse__Output } from '../../kosmos/v1/ListSlasResponse.ts';
import type { PodStatus as _kosmos_v1_PodStatus, PodStatus__Output as _kosmos_v1_PodStatus__Output } from '../../kosmos/v1/PodStatus.ts';
import type { ServiceStatus as _kosmos_v1_ServiceStatus, ServiceStatus__Output as _kosmos_v1_ServiceStatus__Output } from '../../kosmos/v1/ServiceStatus.ts';
import type { WatchDecisionsRequest as _kosmos_v1_WatchDecisionsRequest, WatchDecisionsRequest__Output as _kosmos_v1_WatchDecisionsRequest__Output } from '../../kosmos/v1/WatchDecisionsRequest.ts';

export interface HubStatusClient extends grpc.Client {
  GetPod(argument: _kosmos_v1_GetPodRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_PodStatus__Output>): grpc.ClientUnaryCall;
  GetPod(argument: _kosmos_v1_GetPodRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kosmos_v1_PodStatus__Output>): grpc.ClientUnaryCall;
  GetPod(argument: _kosmos_v1_GetPodRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_PodStatus__Output>): grpc.ClientUnaryCall;
  GetPod(argument: _kosmos_v1_GetPodRequest, callback: grpc.requestCallback<_kosmos_v1_PodStatus__Output>): grpc.ClientUnaryCall;
  getPod(argument: _kosmos_v1_GetPodRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_PodStatus__Output>): grpc.ClientUnaryCall;
  getPod(argument: _kosmos_v1_GetPodRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kosmos_v1_PodStatus__Output>): grpc.ClientUnaryCall;
  getPod(argument: _kosmos_v1_GetPodRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_PodStatus__Output>): grpc.ClientUnaryCall;
  getPod(argument: _kosmos_v1_GetPodRequest, callback: grpc.requestCallback<_kosmos_v1_PodStatus__Output>): grpc.ClientUnaryCall;
  
  GetService(argument: _kosmos_v1_GetServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_ServiceStatus__Output>): grpc.ClientUnaryCall;
  GetService(argument: _kosmos_v1_GetServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kosmos_v1_ServiceStatus__Output>): grpc.ClientUnaryCall;
  GetService(argument: _kosmos_v1_GetServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_ServiceStatus__Output>): grpc.ClientUnaryCall;
  GetService(argument: _kosmos_v1_GetServiceRequest, callback: grpc.requestCallback<_kosmos_v1_ServiceStatus__Output>): grpc.ClientUnaryCall;
  getService(argument: _kosmos_v1_GetServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_ServiceStatus__Output>): grpc.ClientUnaryCall;
  getService(argument: _kosmos_v1_GetServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kosmos_v1_ServiceStatus__Output>): grpc.ClientUnaryCall;
  getService(argument: _kosmos_v1_GetServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_ServiceStatus__Output>): grpc.ClientUnaryCall;
  getService(argument: _kosmos_v1_GetServiceRequest, callback: grpc.requestCallback<_kosmos_v1_ServiceStatus__Output>): grpc.ClientUnaryCall;
  
  ListSlas(argument: _kosmos_v1_ListSlasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_ListSlasResponse__Output>): grpc.ClientUnaryCall;
  ListSlas(argument: _kosmos_v1_ListSlasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kosmos_v1_ListSlasResponse__Output>): grpc.ClientUnaryCall;
  ListSlas(argument: _kosmos_v1_ListSlasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_ListSlasResponse__Output>): grpc.ClientUnaryCall;
  ListSlas(argument: _kosmos_v1_ListSlasRequest, callback: grpc.requestCallback<_kosmos_v1_ListSlasResponse__Output>): grpc.ClientUnaryCall;
  listSlas(argument: _kosmos_v1_ListSlasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_ListSlasResponse__Output>): grpc.ClientUnaryCall;
  listSlas(argument: _kosmos_v1_ListSlasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kosmos_v1_ListSlasResponse__Output>): grpc.ClientUnaryCall;
  listSlas(argument: _kosmos_v1_ListSlasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kosmos_v1_ListSlasResponse__Output>): grpc.ClientUnaryCall;
  listSlas(argument: _kosmos_v1_ListSlasRequest, callback: grpc.requestCallback<_kosmos_v1_ListSlasResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Streams every scaling decision as it is made.
   */
  WatchDecisions(argument: _kosmos_v1_WatchDecisionsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kosmos_v1_Decision__Output>;
  WatchDecisions(argument: _kosmos_v1_WatchDecisionsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kosmos_v1_Decision__Output>;
  /**
   * Streams every scaling decision as it is made.
   */
  watchDecisions(argument: _kosmos_v1_WatchDecisionsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kosmos_v1_Decision__Output>;
  watchDecisions(argument: _kosmos_v1_WatchDecisionsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kosmos_v1_Decision__Output>;
  
}

export interface HubStatusHandlers extends grpc.UntypedServiceImplementation {
  GetPod: grpc.handleUnaryCall<_kosmos_v1_GetPodRequest__Output, _kosmos_v1_PodStatus>;
  
  GetService: grpc.handleUnaryCall<_kosmos_v1_GetServiceRequest__Output, _kosmos_v1_ServiceStatus>;
  
  ListSlas: grpc.handleUnaryCall<_kosmos_v1_ListSlasRequest__Output, _kosmos_v1_ListSlasResponse>;
  
  /**
   * Streams every scaling decision as it is made.
   */
  WatchDecisions: grpc.handleServerStreamingCall<_kosmos_v1_WatchDecisionsRequest__Output, _kosmos_v1_Decision>;
  
}

export interface HubStatusDefinition extends grpc.ServiceDefinition {
  GetPod: MethodDefinition<_kosmos_v1_GetPodRequest, _kosmos_v1_PodStatus, _kosmos_v1_GetPodRequest__Output, _kosmos_v1_PodStatus__Output>
  GetService: MethodDefinition<_kosmos_v1_GetServiceRequest, _kosmos_v1_ServiceStatus, _kosmos_v1_GetServiceRequest__Output, _kosmos_v1_ServiceStatus__Output>
  ListSlas: MethodDefinition<_kosmos_v1_ListSlasRequest, _kosmos_v1_ListSlasResponse, _kosmos_v1_ListSlasRequest__Output, _kosmos_v1_ListSlasResponse__Output>
  WatchDecisions: MethodDefinition<_kosmos_v1_WatchDecisionsRequest, _kosmos_v1_Decision, _kosmos_v1_WatchDecisionsRequest__Output, _kosmos_v1_Decision__Output>
}
