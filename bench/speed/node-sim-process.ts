// Parent side of node-sim-child.ts: forks it and turns its IPC messages into awaited calls.
import { type ChildProcess, fork } from 'node:child_process';
import type { SimPodSpec } from './node-sim.ts';
import type { NodeSimReply, NodeSimRequest } from './node-sim-child.ts';

type Op = NodeSimRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface NodeSimProcess {
  advance(dtSeconds: number): Promise<void>;
  close(): Promise<void>;
}

export async function startNodeSimProcess(root: string, pods: SimPodSpec[]): Promise<NodeSimProcess> {
  const child: ChildProcess = fork(new URL('./node-sim-child.ts', import.meta.url).pathname, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let nextId = 0;
  child.on('message', (reply: NodeSimReply) => {
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) w?.resolve();
    else w?.reject(new Error(`simulated node: ${reply.error}`));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`simulated node exited (code ${code})`));
    waiting.clear();
  });
  const call = (op: Op) =>
    new Promise<void>((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve, reject });
      child.send({ ...op, id } as NodeSimRequest);
    });
  await call({ op: 'init', root, pods });
  return {
    advance: (dtSeconds) => call({ op: 'advance', dtSeconds }),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call({ op: 'close' }).catch(() => undefined);
      if (child.exitCode === null) child.kill();
      await exited;
    },
  };
}
