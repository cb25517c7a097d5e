import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentServer } from '../../../../hub/src/agentserver/agent-server.ts';
import { type RunningGrpcServer, startGrpcServer } from '../../../../hub/src/agentserver/grpc-server.ts';
import {
  AgentAuthError,
  type AgentAuthenticator,
  insecureNoAuth,
} from '../../../../hub/src/auth/agent-auth.ts';
import { PodPlacements } from '../../../../hub/src/auth/pod-placements.ts';
import { ClusterModel } from '../../../../hub/src/model/cluster-model.ts';
import { silentLogger } from '../../../../lib/log.ts';
import { nodeReport, podReport } from '../fixtures.ts';
import { connectTestAgent, type TestAgent, waitFor } from '../test-agent.ts';

const placements: Record<string, string> = { a: 'n1', b: 'n2' };
let running: RunningGrpcServer | undefined;
const agents: TestAgent[] = [];

async function start(opts: { leader?: boolean; auth?: AgentAuthenticator } = {}) {
  const model = new ClusterModel();
  const server = new AgentServer({
    model,
    auth: opts.auth ?? insecureNoAuth(),
    placement: (uid) => placements[uid],
    nodes: { podCapacity: (node) => (node === 'n1' || node === 'n2' ? 110 : undefined) },
    isLeader: () => opts.leader ?? true,
    hubId: 'hub-1',
    tickPeriodMs: 1000,
    now: () => 1000,
    log: silentLogger(),
  });
  running = await startGrpcServer('127.0.0.1', 0, [[server.definition(), server.handlers()]]);
  const connect = (node: string, token = '') => {
    const a = connectTestAgent(`127.0.0.1:${running!.port}`, node, token);
    agents.push(a);
    return a;
  };
  return { model, server, connect };
}

afterEach(async () => {
  for (const a of agents.splice(0)) a.close();
  await running?.stop();
});

describe('AgentServer', () => {
  it('welcomes a node and answers each report with a directive for that node’s pods only', async () => {
    const { model, connect } = await start();
    model.setPlan('a', 'n1', { uid: 'a', name: 'a', desired: { cpuMilli: 300, memoryBytes: 1 } });
    model.setPlan('b', 'n2', { uid: 'b', name: 'b', desired: { cpuMilli: 400, memoryBytes: 1 } });
    const agent = connect('n1');
    await waitFor(() => agent.messages.find((m) => m.body === 'welcome'), 5000, 'welcome');
    expect(agent.messages[0]?.welcome?.hubId).toBe('hub-1');
    agent.report(nodeReport('n1', [podReport({ uid: 'a' })], 7));
    const reply = await waitFor(() => agent.messages.find((m) => m.body === 'directive'), 5000, 'directive');
    expect(reply.directive?.inReplyTo).toBe(7);
    expect(reply.directive?.pods.map((p) => [p.uid, p.desired?.cpuMilli])).toEqual([['a', 300]]);
    expect(model.observation('a')?.node).toBe('n1');
  });

  it('pushes each connected node its new directive after a pass, without waiting for a report', async () => {
    const { model, server, connect } = await start();
    const agent = connect('n1');
    agent.report(nodeReport('n1', [podReport({ uid: 'a' })], 4));
    await waitFor(() => agent.messages.find((m) => m.body === 'directive'), 5000, 'directive');
    model.setPlan('a', 'n1', { uid: 'a', name: 'a', desired: { cpuMilli: 700, memoryBytes: 1 } });
    server.publishDirectives();
    const pushed = await waitFor(
      () => agent.messages.filter((m) => m.body === 'directive')[1],
      5000,
      'pushed directive',
    );
    expect(pushed.directive?.inReplyTo).toBe(4);
    expect(pushed.directive?.pods.map((p) => [p.uid, p.desired?.cpuMilli])).toEqual([['a', 700]]);
  });

  it('refuses a report about another node’s pod: it never reaches the model', async () => {
    const { model, connect } = await start();
    const agent = connect('n1');
    agent.report(nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'b' })]));
    await waitFor(() => agent.messages.find((m) => m.body === 'directive'), 5000, 'directive');
    expect(model.observation('a')).toBeDefined();
    expect(model.observation('b')).toBeUndefined();
  });

  it('with placement versions, refuses a pod in the same report once it is placed on another node', async () => {
    const placed = new PodPlacements();
    placed.place('a', 'n1');
    placed.place('c', 'n1');
    const refusedPerReport: string[][] = [];
    const model = new ClusterModel();
    const server = new AgentServer({
      model,
      auth: insecureNoAuth(),
      placement: placed.nodeOf,
      placementVersion: placed.version,
      nodes: { podCapacity: () => 110 },
      isLeader: () => true,
      hubId: 'hub-1',
      tickPeriodMs: 1000,
      now: () => 1000,
      log: silentLogger(),
      onReport: (_node, refused) => refusedPerReport.push(refused.map((p) => p.uid)),
    });
    running = await startGrpcServer('127.0.0.1', 0, [[server.definition(), server.handlers()]]);
    const agent = connectTestAgent(`127.0.0.1:${running.port}`, 'n1', '');
    agents.push(agent);
    const directives = () => agent.messages.filter((m) => m.body === 'directive');
    const report = (seq: number) =>
      agent.report(nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'c' })], seq));
    report(1);
    await waitFor(() => directives()[0], 5000, 'first directive');
    report(2);
    await waitFor(() => directives()[1], 5000, 'second directive');
    placed.place('c', 'n2');
    report(3);
    await waitFor(() => directives()[2], 5000, 'third directive');
    expect(refusedPerReport).toEqual([[], [], ['c']]);
    expect(model.observation('c')).toBeUndefined();
    expect(model.observation('a')?.node).toBe('n1');
  });

  it('closes a stream whose report names another node', async () => {
    const { model, connect } = await start();
    const agent = connect('n1');
    agent.report(nodeReport('n2', [podReport({ uid: 'b' })]));
    await waitFor(() => agent.status, 5000, 'status');
    expect(agent.status?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(model.observation('b')).toBeUndefined();
  });

  it('marks the node stale when its stream drops and invents no directive for it', async () => {
    const { model, server, connect } = await start();
    const agent = connect('n1');
    agent.report(nodeReport('n1', [podReport({ uid: 'a' })]));
    await waitFor(() => model.node('n1')?.connected && model.observation('a'), 5000, 'report folded');
    agent.close();
    await waitFor(() => model.node('n1')?.stale, 5000, 'stale');
    expect(model.isFresh('a')).toBe(false);
    expect(server.connectedNodes()).toEqual([]);
  });

  it('refuses agents with UNAUTHENTICATED when authentication fails', async () => {
    const { connect } = await start({
      auth: {
        authenticate: async () => {
          throw new AgentAuthError('bad token');
        },
      },
    });
    const agent = connect('n1', 'bad');
    await waitFor(() => agent.status, 5000, 'status');
    expect(agent.status?.code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('a standby (not leader) refuses agents with UNAVAILABLE', async () => {
    const { connect } = await start({ leader: false });
    const agent = connect('n1');
    await waitFor(() => agent.status, 5000, 'status');
    expect(agent.status?.code).toBe(grpc.status.UNAVAILABLE);
  });
});
