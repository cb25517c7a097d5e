// HAProxy Runtime API over its admin socket (`stats socket ... level admin`): reads a backend's
// server slots (`show servers state`, `show stat`) and applies slot commands (`set server ...`).
import { createConnection } from 'node:net';
import type { ServerSlot, SlotCommand, SlotState } from './sync-plan.ts';

/** What the syncer needs from a proxy; HAProxy implements it here. */
export interface ProxyRuntime {
  servers(backend: string): Promise<ServerSlot[]>;
  apply(backend: string, command: SlotCommand): Promise<void>;
}

/** HAProxy answered a command with an error message. */
export class RuntimeApiError extends Error {
  override name = 'RuntimeApiError';
  readonly command: string;
  readonly response: string;
  constructor(command: string, response: string) {
    super(`haproxy rejected "${command}": ${response.trim()}`);
    this.command = command;
    this.response = response;
  }
}

// srv_admin_state bits (haproxy server-t.h): any maintenance (forced, inherited, resolution) / any drain.
const ADMIN_MAINT_MASK = 0x23;
const ADMIN_DRAIN_MASK = 0x18;

function table(text: string, headerPrefix: string, sep: RegExp): Record<string, string>[] {
  const lines = text.split('\n');
  const headerLine = lines.find((l) => l.startsWith(headerPrefix));
  if (!headerLine) return [];
  const header = headerLine.slice(headerPrefix.length).trim().split(sep);
  return lines
    .filter((l) => l.trim() !== '' && !l.startsWith('#') && l.split(sep).length >= header.length)
    .map((l) => {
      const cells = l.trim().split(sep);
      return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    });
}

/**
 * Server slots of one backend from `show servers state <backend>` (address, port, admin state, user
 * weight) and `show stat` CSV (sessions and queue per server).
 */
export function parseServerSlots(backend: string, serversState: string, statCsv: string): ServerSlot[] {
  const inFlight = new Map<string, number>();
  for (const row of table(statCsv, '# ', /,/)) {
    if (row['pxname'] !== backend) continue;
    inFlight.set(row['svname']!, Number(row['scur'] || 0) + Number(row['qcur'] || 0));
  }
  return table(serversState, '# ', / +/)
    .filter((row) => row['be_name'] === backend)
    .map((row) => {
      const admin = Number(row['srv_admin_state']);
      const state: SlotState =
        admin & ADMIN_MAINT_MASK ? 'maint' : admin & ADMIN_DRAIN_MASK ? 'draining' : 'active';
      return {
        name: row['srv_name']!,
        address: row['srv_addr']!,
        port: Number(row['srv_port']),
        state,
        weight: Number(row['srv_uweight']),
        inFlight: inFlight.get(row['srv_name']!) ?? 0,
      };
    });
}

/** The Runtime API line of a slot command. */
export function commandLine(backend: string, c: SlotCommand): string {
  const target = `${backend}/${c.server}`;
  switch (c.op) {
    case 'addr':
      return `set server ${target} addr ${c.address} port ${c.port}`;
    case 'weight':
      return `set server ${target} weight ${c.weight}`;
    case 'state':
      return `set server ${target} state ${c.state}`;
  }
}

/** True when HAProxy's answer to `line` reports success (set weight/state answer nothing; set addr says what changed). */
export function isSuccess(line: string, response: string): boolean {
  const text = response.trim();
  if (text === '') return true;
  return / addr /.test(line) && /(changed from|no need to change)/i.test(text);
}

export interface HaproxyRuntimeOptions {
  socketPath: string;
  /** Per-command limit; HAProxy answers a local socket in well under a millisecond. */
  timeoutMs?: number;
}

export class HaproxyRuntime implements ProxyRuntime {
  readonly #socketPath: string;
  readonly #timeoutMs: number;

  constructor(options: HaproxyRuntimeOptions) {
    this.#socketPath = options.socketPath;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Sends one command (non-interactive: HAProxy answers and closes) and returns the answer. */
  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(this.#socketPath);
      const chunks: Buffer[] = [];
      socket.setTimeout(this.#timeoutMs, () =>
        socket.destroy(
          new Error(`haproxy socket ${this.#socketPath}: no answer to "${line}" in ${this.#timeoutMs} ms`),
        ),
      );
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('error', reject);
      socket.on('close', (hadError) => {
        if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
      });
      socket.write(`${line}\n`);
    });
  }

  async servers(backend: string): Promise<ServerSlot[]> {
    const [state, stat] = await Promise.all([
      this.command(`show servers state ${backend}`),
      this.command('show stat -1 4 -1'),
    ]);
    if (!state.includes('# be_id')) throw new RuntimeApiError(`show servers state ${backend}`, state);
    return parseServerSlots(backend, state, stat);
  }

  async apply(backend: string, c: SlotCommand): Promise<void> {
    const line = commandLine(backend, c);
    const response = await this.command(line);
    if (!isSuccess(line, response)) throw new RuntimeApiError(line, response);
  }
}
