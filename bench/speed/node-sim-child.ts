// Child process running a NodeSim, so the simulated node's CPU (file writes, /metrics answers)
// is not counted against the agent measured in the parent. Driven over the IPC channel.
import { NodeSim, type SimPodSpec } from './node-sim.ts';

export type NodeSimRequest =
  | { id: number; op: 'init'; root: string; pods: SimPodSpec[] }
  | { id: number; op: 'advance'; dtSeconds: number }
  | { id: number; op: 'close' };

export type NodeSimReply = { id: number; ok: true } | { id: number; ok: false; error: string };

let sim: NodeSim | undefined;

async function handle(req: NodeSimRequest): Promise<void> {
  switch (req.op) {
    case 'init':
      sim = await NodeSim.create(req.root);
      for (const pod of req.pods) await sim.addPod(pod);
      return;
    case 'advance':
      await sim?.advance(req.dtSeconds);
      return;
    case 'close':
      await sim?.close();
      return;
  }
}

process.on('message', (req: NodeSimRequest) => {
  handle(req).then(
    () => {
      process.send?.({ id: req.id, ok: true } satisfies NodeSimReply);
      if (req.op === 'close') process.disconnect();
    },
    (err: Error) =>
      process.send?.({ id: req.id, ok: false, error: err.stack ?? err.message } satisfies NodeSimReply),
  );
});
