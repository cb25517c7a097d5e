// Worker thread of the grpc-reports benchmark: plays N agents, each on its own AgentHub.Connect
// stream (real grpc-js client, loopback), sending NodeReports and timing each directive's return.

import { parentPort, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { kosmosProto } from '../../lib/grpc/proto.ts';
import type { AgentMessage } from '../../proto/gen/kosmos/v1/AgentMessage.ts';
import { scanHubMessage } from './directive-scan.ts';
import { type Fleet, nodeReport } from './fleet.ts';
import { reportEncoder } from './report-encoder.ts';

export interface AgentsWorkerInput {
  port: number;
  fleet: Fleet;
  /** Real time between two reports of one agent; 0 = send the next as soon as the directive arrives. */
  paceMs: number;
  durationMs: number;
}

export interface AgentsWorkerOutput {
  rttMs: number[];
  sent: number;
  answered: number;
  /** Directives that arrived inside the measured window (all streams connected → deadline). */
  answeredInWindow: number;
  directivePods: number;
  /** Reports still without a directive when the agents were stopped (replies dropped or late). */
  unanswered: number;
  /** Streams that ended in an error. */
  failedStreams: number;
  /** CPU of the agents' thread from the window's start until every agent stopped. */
  agentsCpuMicros: number;
  reportBytes: number;
  errors: string[];
}

type Stream = grpc.ClientDuplexStream<Buffer, Buffer>;

/** How long after the window an agent still waits for the reply to its last report. */
const REPLY_GRACE_MS = 15_000;

function emptyOutput(): AgentsWorkerOutput {
  return {
    rttMs: [],
    sent: 0,
    answered: 0,
    answeredInWindow: 0,
    directivePods: 0,
    unanswered: 0,
    failedStreams: 0,
    agentsCpuMicros: 0,
    reportBytes: 0,
    errors: [],
  };
}

async function run(input: AgentsWorkerInput): Promise<AgentsWorkerOutput> {
  const { fleet, paceMs, durationMs } = input;
  const proto = kosmosProto();
  const out = emptyOutput();
  const connect = proto.kosmos.v1.AgentHub.service.Connect;
  // Reports go out pre-encoded and directives are only scanned (directive-scan.ts): the agents'
  // side stays cheap, so the one thread playing thousands of agents is not what limits the hub.
  const RawClient = grpc.makeGenericClientConstructor(
    {
      Connect: { ...connect, requestSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b },
    } as unknown as grpc.ServiceDefinition,
    'AgentHub',
  );
  const windowSeconds = Math.max(paceMs, 1000) / 1000;
  let deadline = Number.POSITIVE_INFINITY;
  /** Streams welcomed, or failed before their welcome: the window starts when every stream is one or the other. */
  let settled = 0;
  const starters: (() => void)[] = [];
  let cpu0 = process.threadCpuUsage();
  const cutters: (() => void)[] = [];
  // every stream is connected before any report is sent; the measured window starts then
  const ready = () => {
    if (++settled < fleet.nodes.length) return;
    deadline = performance.now() + durationMs;
    cpu0 = process.threadCpuUsage();
    parentPort?.postMessage({ type: 'started' });
    for (const start of starters) start();
    // A reply the hub dropped (its stream backed up: replies are snapshots, the next one will do)
    // would leave its agent waiting forever: after a grace, every agent still waiting stops.
    setTimeout(() => {
      for (const cut of cutters) cut();
    }, durationMs + REPLY_GRACE_MS).unref();
  };
  const clients: grpc.Client[] = [];
  const agents = fleet.nodes.map(
    (nodeName, n) =>
      new Promise<void>((resolve) => {
        // own subchannel pool: one TCP connection per agent, as separate nodes would have
        const client = new RawClient(`127.0.0.1:${input.port}`, grpc.credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
        });
        clients.push(client);
        const call = (client as unknown as { Connect(): Stream }).Connect();
        const encoded = connect.requestSerialize({
          report: nodeReport(fleet, n, 0, windowSeconds, () => 500, Date.now()),
        } satisfies AgentMessage);
        if (n === 0) out.reportBytes = encoded.byteLength;
        const encode = reportEncoder(encoded);
        const sentAt = new Map<number, number>();
        let sequence = 0;
        let timer: NodeJS.Timeout | undefined;
        let finished = false;
        let welcomed = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          call.end();
          resolve();
        };
        cutters.push(() => {
          if (finished) return;
          out.unanswered += sentAt.size;
          finish();
        });
        const send = () => {
          if (performance.now() >= deadline) return finish();
          sequence++;
          sentAt.set(sequence, performance.now());
          out.sent++;
          call.write(encode(sequence));
        };
        call.on('data', (bytes: Buffer) => {
          const msg = scanHubMessage(bytes);
          if (msg.welcome) {
            welcomed = true;
            // agents of real nodes are not in step: spread the first reports over one pace
            starters.push(() => {
              if (paceMs > 0) timer = setTimeout(send, Math.random() * paceMs);
              else send();
            });
            ready();
            return;
          }
          const d = msg.directive;
          if (!d) return;
          const at = sentAt.get(d.inReplyTo);
          if (at === undefined) return;
          sentAt.delete(d.inReplyTo);
          const now = performance.now();
          out.rttMs.push(now - at);
          out.answered++;
          if (now <= deadline) out.answeredInWindow++;
          out.directivePods += d.pods;
          if (paceMs <= 0) send();
          else timer = setTimeout(send, Math.max(0, paceMs - (performance.now() - at)));
        });
        call.on('error', (err: Error) => {
          out.failedStreams++;
          if (out.errors.length < 5) out.errors.push(`${nodeName}: ${err.message}`);
          const beforeWelcome = !welcomed;
          finish();
          if (beforeWelcome) ready();
        });
        call.write(
          connect.requestSerialize({
            hello: { nodeName, agentVersion: 'bench', protocolVersion: 1 },
          } satisfies AgentMessage),
        );
      }),
  );
  await Promise.all(agents);
  const cpu = process.threadCpuUsage(cpu0);
  out.agentsCpuMicros = cpu.user + cpu.system;
  for (const c of clients) c.close();
  return out;
}

run(workerData as AgentsWorkerInput).then(
  (out) => parentPort?.postMessage({ type: 'done', ...out }),
  (err: Error) =>
    parentPort?.postMessage({ type: 'done', ...emptyOutput(), errors: [err.stack ?? err.message] }),
);
