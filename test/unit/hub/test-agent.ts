// A minimal agent for tests: opens AgentHub.Connect over real gRPC and exposes what the hub sent.
import * as grpc from '@grpc/grpc-js';
import { kosmosProto } from '../../../lib/grpc/proto.ts';
import type { HubMessage__Output } from '../../../proto/gen/kosmos/v1/HubMessage.ts';
import type { NodeReport__Output } from '../../../proto/gen/kosmos/v1/NodeReport.ts';

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

/** Polls until the condition holds or the timeout passes. */
export async function waitFor<T>(
  fn: () => T | undefined | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
