// Child process of the grpc-reports benchmark: plays N agents, each on its own HTTP/2 connection and
// AgentHub.Connect stream to the hub on loopback, sending pre-encoded NodeReports (a few variants
// per node, cycled, so every report carries new figures the hub decodes and folds) and timing each
// directive's return. gRPC is framed by hand on node:http2 (5-byte length prefix, the Connect path):
// the hub's side is its real grpc-js server, the agents' side costs little, and being its own
// process its CPU is measured apart from the hub's.
import http2 from 'node:http2';
import { kosmosProto } from '../../lib/grpc/proto.ts';
import type { AgentMessage } from '../../proto/gen/kosmos/v1/AgentMessage.ts';
import { scanHubMessage } from './directive-scan.ts';
import { type Fleet, nodeReport } from './fleet.ts';
import { reportEncoder } from './report-encoder.ts';

export interface AgentsInput {
  port: number;
  fleet: Fleet;
  /** Real time between two reports of one agent; 0 = send the next as soon as the directive arrives. */
  paceMs: number;
  durationMs: number;
}

export interface AgentsOutput {
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
  /** CPU of this whole process (every agent) over the measured window. */
  agentsCpuMicros: number;
  /** The measured window as this process timed it. */
  windowMs: number;
  reportBytes: number;
  /** Distinct reports each agent cycles through. */
  variants: number;
  errors: string[];
}

/** Messages between the benchmark and this process (over the fork IPC channel). */
export type AgentsMessage = { type: 'started' } | { type: 'window-over' } | ({ type: 'done' } & AgentsOutput);

/** How long after the window an agent still waits for the reply to its last report. */
const REPLY_GRACE_MS = 15_000;

/** Reports per node, each with its own load figures (requests, latency, usage, enacted CPU). */
export const REPORT_VARIANTS = 4;

const CONNECT_PATH = '/kosmos.v1.AgentHub/Connect';

function emptyOutput(): AgentsOutput {
  return {
    rttMs: [],
    sent: 0,
    answered: 0,
    answeredInWindow: 0,
    directivePods: 0,
    unanswered: 0,
    failedStreams: 0,
    agentsCpuMicros: 0,
    windowMs: 0,
    reportBytes: 0,
    variants: REPORT_VARIANTS,
    errors: [],
  };
}

/** A gRPC length-prefixed message (uncompressed). */
function framed(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.byteLength);
  out[0] = 0;
  out.writeUInt32BE(message.byteLength, 1);
  message.copy(out, 5);
  return out;
}

/** Splits a stream's bytes into gRPC messages, whatever the chunking. */
function messageReader(onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer | undefined;
  return (chunk) => {
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    while (buf.byteLength - at >= 5) {
      const length = buf.readUInt32BE(at + 1);
      if (buf.byteLength - at - 5 < length) break;
      onMessage(buf.subarray(at + 5, at + 5 + length));
      at += 5 + length;
    }
    pending = at < buf.byteLength ? buf.subarray(at) : undefined;
  };
}

/** Enacted CPU of a node's pods in report variant v: the agents' resizes, between 450 and 600 m. */
function enactedIn(variant: number): number {
  return 450 + 50 * (variant % REPORT_VARIANTS);
}

async function run(input: AgentsInput, send: (m: AgentsMessage) => void): Promise<AgentsOutput> {
  const { fleet, paceMs, durationMs } = input;
  const connect = kosmosProto().kosmos.v1.AgentHub.service.Connect;
  const out = emptyOutput();
  const windowSeconds = Math.max(paceMs, 1000) / 1000;
  let deadline = Number.POSITIVE_INFINITY;
  /** Streams welcomed, or failed before their welcome: the window starts when every stream is one or the other. */
  let settled = 0;
  const starters: (() => void)[] = [];
  const cutters: (() => void)[] = [];
  /** Ends the measured window once: at the deadline, or when the first agent finds it passed. */
  let closeWindow = () => {};
  // every stream is connected before any report is sent; the measured window starts then
  const ready = () => {
    if (++settled < fleet.nodes.length) return;
    const t0 = performance.now();
    deadline = t0 + durationMs;
    const cpu0 = process.cpuUsage();
    send({ type: 'started' });
    for (const start of starters) start();
    closeWindow = () => {
      closeWindow = () => {};
      const cpu = process.cpuUsage(cpu0);
      out.agentsCpuMicros = cpu.user + cpu.system;
      out.windowMs = performance.now() - t0;
      send({ type: 'window-over' });
    };
    setTimeout(() => closeWindow(), durationMs);
    // A reply the hub dropped (its stream backed up: replies are snapshots, the next one will do)
    // would leave its agent waiting forever: after a grace, every agent still waiting stops.
    setTimeout(() => {
      for (const cut of cutters) cut();
    }, durationMs + REPLY_GRACE_MS).unref();
  };
  const sessions: http2.ClientHttp2Session[] = [];
  const agents = fleet.nodes.map(
    (nodeName, n) =>
      new Promise<void>((resolve) => {
        // one TCP connection per agent, as separate nodes would have
        const session = http2.connect(`http://127.0.0.1:${input.port}`);
        sessions.push(session);
        const stream = session.request({
          ':method': 'POST',
          ':path': CONNECT_PATH,
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        const variants = Array.from({ length: REPORT_VARIANTS }, (_, v) => {
          const enacted = enactedIn(v + n);
          const encoded = connect.requestSerialize({
            report: nodeReport(fleet, n, v, windowSeconds, () => enacted, Date.now()),
          } satisfies AgentMessage);
          if (n === 0 && v === 0) out.reportBytes = encoded.byteLength;
          return reportEncoder(encoded);
        });
        const sentAt = new Map<number, number>();
        let sequence = 0;
        let timer: NodeJS.Timeout | undefined;
        let finished = false;
        let welcomed = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          stream.end();
          resolve();
        };
        const fail = (message: string) => {
          if (finished) return;
          out.failedStreams++;
          if (out.errors.length < 5) out.errors.push(`${nodeName}: ${message}`);
          const beforeWelcome = !welcomed;
          finish();
          if (beforeWelcome) ready();
        };
        cutters.push(() => {
          if (finished) return;
          out.unanswered += sentAt.size;
          finish();
        });
        const report = () => {
          if (performance.now() >= deadline) {
            closeWindow();
            return finish();
          }
          sequence++;
          sentAt.set(sequence, performance.now());
          out.sent++;
          stream.write(framed((variants[sequence % REPORT_VARIANTS] as (s: number) => Buffer)(sequence)));
        };
        const onMessage = (bytes: Buffer) => {
          const msg = scanHubMessage(bytes);
          if (msg.welcome) {
            welcomed = true;
            // agents of real nodes are not in step: spread the first reports over one pace
            starters.push(() => {
              if (paceMs > 0) timer = setTimeout(report, Math.random() * paceMs);
              else report();
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
          if (now > deadline) closeWindow();
          out.rttMs.push(now - at);
          out.answered++;
          if (now <= deadline) out.answeredInWindow++;
          out.directivePods += d.pods;
          if (paceMs <= 0) report();
          else timer = setTimeout(report, Math.max(0, paceMs - (now - at)));
        };
        stream.on('data', messageReader(onMessage));
        stream.on('trailers', (trailers) => {
          const status = Number(trailers['grpc-status'] ?? 0);
          if (status !== 0) fail(`grpc status ${status}: ${String(trailers['grpc-message'] ?? '')}`);
        });
        stream.on('error', (err: Error) => fail(err.message));
        session.on('error', (err: Error) => fail(err.message));
        stream.on('close', () => {
          if (!finished) fail('stream closed by the hub');
        });
        stream.write(
          framed(
            connect.requestSerialize({
              hello: { nodeName, agentVersion: 'bench', protocolVersion: 1 },
            } satisfies AgentMessage),
          ),
        );
      }),
  );
  await Promise.all(agents);
  for (const s of sessions) s.close();
  return out;
}

process.once('message', (input: AgentsInput) => {
  const send = (m: AgentsMessage) => process.send?.(m);
  run(input, send).then(
    (out) => send({ type: 'done', ...out }),
    (err: Error) => send({ type: 'done', ...emptyOutput(), errors: [err.stack ?? err.message] }),
  );
});
