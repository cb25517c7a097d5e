// What the demo knows of its hub, for the live view: whether the hub process runs, and how long ago
// its status API last answered a query (ListSlas every second, with a deadline). Shown as seen,
// never assumed: "hub down (killed by SIGKILL)", "hub not answering for 12 s", "hub up".
import * as grpc from '@grpc/grpc-js';
import { kosmosProto } from '../../lib/grpc/proto.ts';
import type { ListSlasResponse__Output } from '../../proto/gen/kosmos/v1/ListSlasResponse.ts';
import type { RunningChild } from './processes.ts';

export interface HubSeen {
  /** The hub process is running (false once it exited). */
  processAlive: boolean;
  /** How it ended, once it did. */
  exit?: { code: number | null; signal: string | null };
  /** Since the status API last answered, ms; undefined: it never has. */
  lastAnswerAgoMs?: number;
  /** Whether the last answer came from the leader. */
  leader?: boolean;
}

/** One status query: resolves with whether the answering hub leads, rejects when it does not answer. */
export type HubProbe = () => Promise<{ leader: boolean }>;

/** Beyond this silence the hub is shown as not answering (the probe runs every second). */
export const HUB_SILENT_AFTER_MS = 3000;

/** The live view's words for what was seen. Pure. */
export function hubStateText(s: HubSeen): { text: string; ok: boolean } {
  if (!s.processAlive) {
    const how = s.exit?.signal ? `killed by ${s.exit.signal}` : `exited with code ${s.exit?.code ?? '?'}`;
    return { text: `hub down (${how})`, ok: false };
  }
  if (s.lastAnswerAgoMs === undefined) return { text: 'hub starting (no answer yet)', ok: false };
  if (s.lastAnswerAgoMs > HUB_SILENT_AFTER_MS) {
    return { text: `hub not answering for ${Math.round(s.lastAnswerAgoMs / 1000)} s`, ok: false };
  }
  return s.leader === false
    ? { text: 'hub up (standby, not leading)', ok: false }
    : { text: 'hub up', ok: true };
}

export interface HubWatchOptions {
  probe: HubProbe;
  everyMs?: number;
  now?: () => number;
  /** Called by stop() (closes the probe's channel). */
  onStop?: () => void;
}

export class HubWatch {
  readonly #o: HubWatchOptions;
  readonly #now: () => number;
  #exit: HubSeen['exit'];
  #lastAnswerMs: number | undefined;
  #leader: boolean | undefined;
  #timer: NodeJS.Timeout | undefined;
  #probing = false;

  constructor(options: HubWatchOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** The hub process ended (from the process group's exit event). */
  exited(code: number | null, signal: string | null): void {
    this.#exit = { code, signal };
  }

  /** One probe now; skipped while the previous one is still waiting for its answer. */
  async probeOnce(): Promise<void> {
    if (this.#probing) return;
    this.#probing = true;
    try {
      const { leader } = await this.#o.probe();
      this.#lastAnswerMs = this.#now();
      this.#leader = leader;
    } catch {
      // No answer: the age of the last one grows, which is what the view shows.
    } finally {
      this.#probing = false;
    }
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.probeOnce(), this.#o.everyMs ?? 1000);
    this.#timer.unref();
    void this.probeOnce();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#o.onStop?.();
  }

  seen(): HubSeen {
    return {
      processAlive: this.#exit === undefined,
      ...(this.#exit ? { exit: this.#exit } : {}),
      ...(this.#lastAnswerMs !== undefined ? { lastAnswerAgoMs: this.#now() - this.#lastAnswerMs } : {}),
      ...(this.#leader !== undefined ? { leader: this.#leader } : {}),
    };
  }
}

/** A probe that asks the hub's HubStatus service (plaintext, loopback) for its SLAs. */
export function statusApiProbe(address: string, timeoutMs = 1000): { probe: HubProbe; close(): void } {
  const client = new (kosmosProto().kosmos.v1.HubStatus)(address, grpc.credentials.createInsecure());
  return {
    probe: () =>
      new Promise((resolve, reject) => {
        client.listSlas({}, { deadline: Date.now() + timeoutMs }, (err, res?: ListSlasResponse__Output) => {
          if (err || !res) reject(err ?? new Error('empty answer'));
          else resolve({ leader: res.leader });
        });
      }),
    close: () => client.close(),
  };
}

/** Watches the demo's hub child: its exit, and its status API at `statusAddress` every second. */
export function watchHubProcess(child: RunningChild, statusAddress: string): HubWatch {
  const { probe, close } = statusApiProbe(statusAddress);
  const watch = new HubWatch({ probe, onStop: close });
  void child.exited.then((code) => watch.exited(code, child.process.signalCode));
  watch.start();
  return watch;
}
