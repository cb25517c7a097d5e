// A hostile or misconfigured agent against the real hub (real gRPC on loopback, the embedded API
// server's Nodes and TokenReview): the defaults fail closed, a live node stream is never displaced,
// only Kubernetes Nodes are served, silent nodes are forgotten with their room, and an oversize
// report is rejected with one bounded log line.
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentServer } from '../../hub/src/agentserver/agent-server.ts';
import { type RunningGrpcServer, startGrpcServer } from '../../hub/src/agentserver/grpc-server.ts';
import { insecureNoAuth, NODE_NAME_EXTRA } from '../../hub/src/auth/agent-auth.ts';
import { parseHubConfig } from '../../hub/src/config.ts';
import { type RunningHub, startHub } from '../../hub/src/hub.ts';
import { ClusterModel } from '../../hub/src/model/cluster-model.ts';
import { kubeClients } from '../../lib/kube.ts';
import { createLogger } from '../../lib/log.ts';
import { type ApiServer, startApiServer } from '../../packages/apiserver/index.ts';
import type { PodReport__Output } from '../../proto/gen/kosmos/v1/PodReport.ts';
import { LOOPBACK_HUB_FLAGS } from '../support/hub-flags.ts';
import { nodeReport, podReport } from '../unit/hub/fixtures.ts';
import { connectTestAgent, type TestAgent, waitFor } from '../unit/hub/test-agent.ts';

/** Every line the hub logs, as written (pino through an injected destination). */
const logLines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

const agentUser = (node: string) => ({
  username: 'system:serviceaccount:kosmos-system:kosmos-agent',
  extra: { [NODE_NAME_EXTRA]: [node] },
});

let api: ApiServer;
let hub: RunningHub;
const agents: TestAgent[] = [];
const timers: NodeJS.Timeout[] = [];
const connect = (node: string, token = '') => {
  const a = connectTestAgent(`127.0.0.1:${hub.grpcPort}`, node, token);
  agents.push(a);
  return a;
};
const welcomed = (a: TestAgent) =>
  waitFor(() => a.messages.find((m) => m.body === 'welcome'), 5000, 'welcome');
/** Whether the hub welcomed the stream or closed it, once it has done either. */
const outcome = (a: TestAgent) =>
  waitFor(
    () => (a.messages.some((m) => m.body === 'welcome') ? 'welcomed' : a.status ? 'closed' : undefined),
    5000,
    'welcome or close',
  );
const closedWith = async (a: TestAgent) => (await waitFor(() => a.status, 5000, 'stream closed')).code;
/** Reports every 100 ms, like a healthy agent at a fast tick. */
const keepReporting = (a: TestAgent, node: string) => {
  let seq = 0;
  timers.push(setInterval(() => a.report(nodeReport(node, [], ++seq)), 100));
};
const directives = (a: TestAgent) => a.messages.filter((m) => m.body === 'directive').length;

beforeAll(async () => {
  api = await startApiServer({ crdDir: 'deploy/crds', nodes: 4, podStartDelayMs: 5 });
  for (const node of ['node-1', 'node-2', 'node-3', 'node-4', 'node-9']) {
    api.tokens.register(`token-${node}`, agentUser(node));
  }
  api.tokens.register('token-node-1-other-pod', agentUser('node-1'));
  // The binary's defaults with ports on loopback: --agent-auth is left to its default.
  const config = parseHubConfig([
    ...LOOPBACK_HUB_FLAGS,
    '--period=100ms',
    '--node-stale-after=900ms',
    '--node-forget-after=2s',
    '--allow-plaintext-token',
  ]);
  hub = await startHub({
    config,
    log: createLogger({ level: 'info', destination: capture }),
    kc: api.kubeConfig(),
    syncTimeoutMs: 10_000,
  });
});

afterEach(() => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const a of agents.splice(0)) a.close();
});

afterAll(async () => {
  await hub?.stop();
  await api?.stop();
});

describe('fail-closed defaults', () => {
  it('the hub authenticates agents by default and refuses to take their tokens without TLS', () => {
    expect(parseHubConfig(['--allow-plaintext-token'], {}).agentAuth).toBe('tokenreview');
    expect(() => parseHubConfig([], {})).toThrow(/plaintext.*--tls-cert-file.*--allow-plaintext-token/);
    expect(() => parseHubConfig(['--agent-auth=none', '--allow-plaintext-token'], {})).toThrow(
      /--agent-auth=none is no longer accepted: use --agent-auth=tokenreview.*insecure-none/,
    );
    expect(parseHubConfig(['--agent-auth=insecure-none'], {}).agentAuth).toBe('insecure-none');
  });

  it.each([
    { name: 'no token', token: '' },
    { name: 'a garbage token', token: 'garbage' },
  ])('a fake client with $name is refused and never welcomed', async ({ token }) => {
    const fake = connect('node-1', token);
    expect(await closedWith(fake)).toBe(grpc.status.UNAUTHENTICATED);
    expect(fake.messages).toEqual([]);
    expect(hub.model.node('node-1')).toBeUndefined();
  });
});

describe('one stream per node', () => {
  it('a second stream cannot displace a live one, however often it retries', async () => {
    const real = connect('node-1', 'token-node-1');
    await welcomed(real);
    keepReporting(real, 'node-1');
    await waitFor(() => directives(real) >= 2, 5000, 'directives');
    // The same node's credential from another pod (a stolen token, a surge pod): refused while live.
    for (let i = 0; i < 5; i++) {
      const rival = connect('node-1', 'token-node-1-other-pod');
      expect(await closedWith(rival)).toBe(grpc.status.ALREADY_EXISTS);
      expect(rival.status?.details).toMatch(/already has a live agent stream/);
    }
    const before = directives(real);
    await waitFor(() => directives(real) >= before + 3, 5000, 'the real agent still served');
    expect(real.status).toBeUndefined();
    expect(hub.model.node('node-1')?.connected).toBe(true);
  });

  it('an agent that authenticates as the node takes over a stream gone silent (restart, half-dead stream)', async () => {
    const old = connect('node-2', 'token-node-2');
    await welcomed(old);
    old.report(nodeReport('node-2', []));
    await waitFor(() => directives(old) >= 1, 5000, 'directive');
    // The old stream stays open but reports nothing: after --node-stale-after / 3 it may be replaced.
    const restarted = await waitFor(
      async () => {
        const a = connect('node-2', 'token-node-2');
        return (await outcome(a)) === 'welcomed' ? a : undefined;
      },
      5000,
      'takeover',
    );
    expect(await closedWith(old)).toBe(grpc.status.ABORTED);
    restarted.report(nodeReport('node-2', []));
    await waitFor(() => directives(restarted) >= 1, 5000, 'the new stream served');
    expect(restarted.status).toBeUndefined();
  });
});

describe('only Kubernetes Nodes', () => {
  it('refuses a token bound to a node name that is not a Node', async () => {
    const ghost = connect('', 'token-node-9');
    expect(await closedWith(ghost)).toBe(grpc.status.FAILED_PRECONDITION);
    expect(ghost.status?.details).toMatch(/node-9 is not a Kubernetes Node/);
    expect(hub.model.node('node-9')).toBeUndefined();
  });

  it('forgets a silent node and never counts its room', async () => {
    const agent = connect('node-3', 'token-node-3');
    await welcomed(agent);
    const huge = nodeReport('node-3', []);
    huge.allocatable = { cpuMilli: 1_000_000, memoryBytes: 1 };
    agent.report(huge);
    await waitFor(() => hub.model.node('node-3')?.lastReportMs, 5000, 'report folded');
    expect(hub.model.nodeRoom().some((r) => r.allocatableCpuMilli === 1_000_000)).toBe(true);
    // Silent from now on: stale (no room) after 900 ms, forgotten and its stream closed after 2 s.
    await waitFor(() => hub.model.node('node-3') === undefined, 5000, 'node forgotten');
    expect(hub.model.nodeRoom().some((r) => r.allocatableCpuMilli === 1_000_000)).toBe(false);
    expect(await closedWith(agent)).toBe(grpc.status.FAILED_PRECONDITION);
    expect(agent.status?.details).toMatch(/no report for/);
  });

  it('forgets a node deleted from Kubernetes and closes its stream', async () => {
    const agent = connect('node-4', 'token-node-4');
    await welcomed(agent);
    keepReporting(agent, 'node-4');
    await waitFor(() => hub.model.node('node-4')?.lastReportMs, 5000, 'report folded');
    await kubeClients(api.kubeConfig()).core.deleteNode({ name: 'node-4' });
    expect(await closedWith(agent)).toBe(grpc.status.FAILED_PRECONDITION);
    expect(agent.status?.details).toMatch(/node-4 was deleted/);
    expect(hub.model.node('node-4')).toBeUndefined();
  });
});

describe('bounded reports', () => {
  // What a flood costs to send is not the point: a pod with only its uid keeps the message small.
  const minimalPod = (i: number) => ({ uid: `u${i}` }) as PodReport__Output;

  it('rejects a report of 30,000 pods (capacity 110) with a clear error and one bounded log line', async () => {
    const agent = connect('node-1', 'token-node-1');
    await welcomed(agent);
    logLines.length = 0;
    agent.report(
      nodeReport(
        'node-1',
        Array.from({ length: 30_000 }, (_, i) => minimalPod(i)),
      ),
    );
    expect(await closedWith(agent)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(agent.status?.details).toBe(
      'report carries 30000 pods, node node-1 can run at most 110 (Node status.capacity.pods)',
    );
    const rejected = logLines.filter((l) => l.includes('report-out-of-bounds'));
    expect(rejected).toHaveLength(1);
    expect(JSON.parse(rejected[0]!)).toMatchObject({ node: 'node-1', pods: 30_000, maxPods: 110 });
    expect(Math.max(...logLines.map((l) => l.length))).toBeLessThan(2048);
    expect(hub.model.observation('u0')).toBeUndefined();
  });

  it('rejects a report with a 1 MB pod name and logs a bounded line', async () => {
    const agent = connect('node-1', 'token-node-1');
    await welcomed(agent);
    logLines.length = 0;
    agent.report(nodeReport('node-1', [{ ...podReport({ uid: 'u1' }), name: 'x'.repeat(1 << 20) }]));
    expect(await closedWith(agent)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(agent.status?.details).toMatch(/pod #0 name is 1048576 characters, at most 253/);
    expect(Math.max(...logLines.map((l) => l.length))).toBeLessThan(2048);
  });

  it('refuses a hello with an oversize node name before any TokenReview, logging it bounded', async () => {
    logLines.length = 0;
    const agent = connect('n'.repeat(1 << 20), 'token-node-1');
    expect(await closedWith(agent)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(Math.max(...logLines.map((l) => l.length))).toBeLessThan(2048);
  });
});

describe('one stream per node with --agent-auth=insecure-none', () => {
  let server: RunningGrpcServer | undefined;
  let nowMs = 0;
  afterEach(async () => {
    for (const a of agents.splice(0)) a.close();
    await server?.stop();
  });

  it('an unauthenticated hello never displaces a node’s stream, live or silent', async () => {
    const model = new ClusterModel();
    const agentServer = new AgentServer({
      model,
      auth: insecureNoAuth(),
      placement: () => undefined,
      nodes: { podCapacity: (n) => (n === 'node-1' ? 110 : undefined) },
      takeoverAfterMs: 1000,
      isLeader: () => true,
      hubId: 'hub',
      tickPeriodMs: 1000,
      now: () => nowMs,
      log: createLogger({ level: 'silent' }),
    });
    server = await startGrpcServer('127.0.0.1', 0, [[agentServer.definition(), agentServer.handlers()]]);
    const dial = (node: string) => {
      const a = connectTestAgent(`127.0.0.1:${server!.port}`, node);
      agents.push(a);
      return a;
    };
    const real = dial('node-1');
    await welcomed(real);
    real.report(nodeReport('node-1', []));
    await waitFor(() => directives(real) >= 1, 5000, 'directive');
    const rival = dial('node-1');
    expect(await closedWith(rival)).toBe(grpc.status.ALREADY_EXISTS);
    nowMs += 60_000; // the real stream silent for a minute: still not for an unauthenticated taker
    const late = dial('node-1');
    expect(await closedWith(late)).toBe(grpc.status.ALREADY_EXISTS);
    expect(late.status?.details).toMatch(/served again once that stream ends/);
    real.report(nodeReport('node-1', [], 2));
    await waitFor(() => directives(real) >= 2, 5000, 'the real agent still served');
    expect(await closedWith(dial('ghost'))).toBe(grpc.status.FAILED_PRECONDITION);
    expect(agentServer.connectedNodes()).toEqual(['node-1']);
  });
});
