import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningGrpcServer, startGrpcServer } from '../../../../hub/src/agentserver/grpc-server.ts';
import { StatusBoard } from '../../../../hub/src/status/status-board.ts';
import { statusHandlers } from '../../../../hub/src/status/status-server.ts';
import { kosmosProto } from '../../../../lib/grpc/proto.ts';
import type { Decision__Output } from '../../../../proto/gen/kosmos/v1/Decision.ts';
import type { HubStatusClient } from '../../../../proto/gen/kosmos/v1/HubStatus.ts';
import type { PodStatus__Output } from '../../../../proto/gen/kosmos/v1/PodStatus.ts';
import { waitFor } from '../test-agent.ts';

let running: RunningGrpcServer | undefined;
let client: HubStatusClient | undefined;

afterEach(async () => {
  client?.close();
  await running?.stop();
});

async function start() {
  const board = new StatusBoard();
  board.publishService({
    sla: { namespace: 'default', name: 'web', replicas: 2 },
    pods: [{ namespace: 'default', name: 'web-1', desired: { cpuMilli: 300, memoryBytes: 1 } }],
  });
  const proto = kosmosProto().kosmos.v1;
  running = await startGrpcServer('127.0.0.1', 0, [
    [proto.HubStatus.service, statusHandlers({ board, hubId: 'h1', isLeader: () => true })],
  ]);
  client = new proto.HubStatus(`127.0.0.1:${running.port}`, grpc.credentials.createInsecure());
  return { board, client };
}

const unary = <T>(fn: (cb: (err: grpc.ServiceError | null, v?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v as T))));

describe('HubStatus server', () => {
  it('lists SLAs with the hub identity and leadership', async () => {
    const { client } = await start();
    const res = await unary<{ slas: Array<{ name: string }>; hubId: string; leader: boolean }>((cb) =>
      client.listSlas({ namespace: '' }, cb),
    );
    expect(res.slas.map((s) => s.name)).toEqual(['web']);
    expect(res).toMatchObject({ hubId: 'h1', leader: true });
  });

  it('returns a pod and answers NOT_FOUND for an unknown service', async () => {
    const { client } = await start();
    const pod = await unary<PodStatus__Output>((cb) =>
      client.getPod({ namespace: 'default', name: 'web-1' }, cb),
    );
    expect(pod.desired?.cpuMilli).toBe(300);
    await expect(
      unary((cb) => client.getService({ namespace: 'default', name: 'nope' }, cb)),
    ).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
  });

  it('streams decisions of the watched namespace only', async () => {
    const { board, client } = await start();
    const seen: Decision__Output[] = [];
    const stream = client.watchDecisions({ namespace: 'default' });
    stream.on('data', (d: Decision__Output) => seen.push(d));
    stream.on('error', () => {});
    await waitFor(
      () => {
        board.publishDecision({ namespace: 'other', sla: 'x', summary: 'skip' });
        board.publishDecision({ namespace: 'default', sla: 'web', summary: 'cpu 200m -> 300m' });
        return seen.length > 0;
      },
      5000,
      'a decision',
    );
    expect(seen.every((d) => d.namespace === 'default')).toBe(true);
    stream.cancel();
  });
});
