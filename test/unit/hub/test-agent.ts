// A minimal agent for tests: opens AgentHub.Connect over real gRPC and exposes what the hub sent.
import * as grpc from '@grpc/grpc-js';
import { kosmosProto } from '../../../lib/grpc/proto.ts';
import type { HubMessage__Output } from '../../../proto/gen/kosmos/v1/HubMessage.ts';
import type { NodeReport__Output } from '../../../proto/gen/kosmos/v1/NodeReport.ts';

export { waitForTruthy as waitFor } from '../../support/wait-for.ts';

export interface TestAgent {
  messages: HubMessage__Output[];
  status: grpc.StatusObject | undefined;
  report(r: NodeReport__Output): void;
  close(): void;
  client: grpc.Client;
}

export function connectTestAgent(address: string, nodeName: string, token = ''): TestAgent {
  const AgentHub = kosmosProto().kosmos.v1.AgentHub;
  const client = new AgentHub(address, grpc.credentials.createInsecure());
  const call = client.Connect();
  const agent: TestAgent = {
    messages: [],
    status: undefined,
    client,
    report: (r) => call.write({ report: r }),
    close: () => {
      call.end();
      client.close();
    },
  };
  call.on('data', (m: HubMessage__Output) => agent.messages.push(m));
  call.on('status', (s: grpc.StatusObject) => {
    agent.status = s;
  });
  call.on('error', () => {});
  call.write({ hello: { nodeName, protocolVersion: 1, agentVersion: 'test', token } });
  return agent;
}
