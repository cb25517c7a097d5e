// An open-loop load generator: Poisson arrivals at a time-varying rate, each request sent at its
// scheduled time whatever the previous ones are doing (no coordinated omission), its latency taken
// from the scheduled send time to the last byte of the response, as a client would see it.
import { Agent, request } from 'node:http';
import { Prng } from '../model/prng.ts';

export interface RequestRecord {
  /** Scheduled send time, seconds since the start of the run. */
  atSeconds: number;
  /** Scheduled send → response complete, ms; NaN for an error. */
  latencyMs: number;
  /** HTTP status, or 0 for a connection error or timeout. */
  status: number;
  ok: boolean;
  /**
   * How late the generator sent it (its thread's timer granularity and scheduling), ms: a lag that
   * grows says the client, not the service, held requests back. Counted in latencyMs either way.
   */
  sendLagMs?: number;
}

export interface OpenLoopOptions {
  /** Requests per second at t seconds since the start. */
  rateAt(tSeconds: number): number;
  durationSeconds: number;
  /** Where each request goes (may change as the run goes: a balancer's address, a pod's). */
  target(): { host: string; port: number; path?: string } | undefined;
  seed?: number;
  /** A request still open after this long is an error (default 10 s). */
  timeoutMs?: number;
  /** Called for every finished request. */
  onRecord?(r: RequestRecord): void;
  /** Stop early. */
  signal?: AbortSignal;
}

const TICK_MS = 2;

/**
 * Runs the load and resolves with every request's record, in schedule order, once the last one
 * answered or timed out. Inter-arrival gaps are exponential at the rate of the moment they start
 * from (the rate is piecewise smooth over a gap at the rates used here).
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<RequestRecord[]> {
  const rng = new Prng(options.seed ?? 1);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const records: RequestRecord[] = [];
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let next = nextGap(0, options, rng);

  const send = (atSeconds: number) => {
    const scheduledMs = start + atSeconds * 1000;
    const record: RequestRecord = {
      atSeconds,
      latencyMs: Number.NaN,
      status: 0,
      ok: false,
      sendLagMs: performance.now() - scheduledMs,
    };
    records.push(record);
    const target = options.target();
    const done = new Promise<void>((resolve) => {
      const finish = (status: number) => {
        record.status = status;
        record.ok = status >= 200 && status < 400;
        if (record.ok) record.latencyMs = performance.now() - scheduledMs;
        options.onRecord?.(record);
        resolve();
      };
      if (!target) {
        finish(0);
        return;
      }
      const req = request(
        { host: target.host, port: target.port, path: target.path ?? '/', agent, timeout: timeoutMs },
        (res) => {
          res.resume();
          res.once('end', () => finish(res.statusCode ?? 0));
          res.once('error', () => finish(0));
        },
      );
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', () => finish(0));
      req.end();
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = (performance.now() - start) / 1000;
      while (next <= now && next < options.durationSeconds) {
        send(next);
        next = nextGap(next, options, rng);
      }
      if (next >= options.durationSeconds || options.signal?.aborted) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await Promise.all(pending);
  agent.destroy();
  return records;
}

function nextGap(t: number, options: OpenLoopOptions, rng: Prng): number {
  // a zero rate moves on in 100 ms steps until the rate is positive again
  let at = t;
  for (;;) {
    const rate = options.rateAt(at);
    if (rate > 0) return at - Math.log(1 - rng.next()) / rate;
    at += 0.1;
    if (at >= options.durationSeconds) return at;
  }
}
