// An entry point of the image (dist/<name>.mjs) run in a child process as docker-entrypoint.sh runs
// it: its pino lines kept and waited on, stopped with SIGTERM as the kubelet stops a container.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { type ENTRIES, imageCommand } from '../../build-entries.ts';

/** One line of the process's JSON log (lib/log.ts: the level by its label). */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** pino's level of `error`: a line at or above it is an error the process reported. */
export const ERROR_LEVEL = pino.levels.values['error']!;
/** Errors that only a defect throws. */
const DEFECTS = new Set(['TypeError', 'ReferenceError']);

/** Whether a logged error (pino's serialized `err`) or its cause is one that only a defect throws. */
function isDefect(err: unknown): boolean {
  const e = err as { type?: unknown; cause?: unknown } | undefined;
  return e !== undefined && (DEFECTS.has(String(e.type)) || isDefect(e.cause));
}

export class ImageProcess {
  readonly name: string;
  /** Its stdout as pino lines, in order. */
  readonly lines: LogLine[] = [];
  /** Lines of its stdout that were not JSON log lines. */
  readonly otherStdout: string[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;
  #exit: Exit | undefined;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as LogLine;
        if (typeof parsed.level === 'string' && typeof parsed.msg === 'string') {
          this.lines.push(parsed);
          return;
        }
      } catch {
        // not a log line: kept below
      }
      this.otherStdout.push(line);
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      }),
    );
  }

  /** Starts `name` from the bundles in `dir` with `args`, plus `env` beside the image's environment. */
  static start(
    dir: string,
    name: keyof typeof ENTRIES,
    args: readonly string[],
    env: Record<string, string> = {},
  ): ImageProcess {
    const command = imageCommand(dir, name);
    const child = spawn(process.execPath, [...command.nodeArgs, ...args], {
      env: { ...command.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ImageProcess(name, child);
  }

  alive(): boolean {
    return this.#exit === undefined;
  }

  /** The first log line with message `msg` (and the fields of `match`), waited for. */
  async waitForLog(msg: string, timeoutMs: number, match: Record<string, unknown> = {}): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find(
        (l) => l.msg === msg && Object.entries(match).every(([k, v]) => l[k] === v),
      );
      if (line) return line;
      if (!this.alive() || Date.now() >= deadline) {
        const why = this.alive()
          ? `within ${timeoutMs} ms`
          : `before it exited (${JSON.stringify(this.#exit)})`;
        throw new Error(`${this.name} did not log "${msg}" ${why}:\n${this.tail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The lines it logged at error level or above, and those carrying a TypeError or ReferenceError
   * at any level: a call of something missing (a method a bundle left out) is a defect, even where
   * the process logs it as a failed write and goes on.
   */
  errors(): LogLine[] {
    return this.lines.filter(
      (l) => (pino.levels.values[l.level] ?? ERROR_LEVEL) >= ERROR_LEVEL || isDefect(l['err']),
    );
  }

  /** Its last log lines and its stderr, for a failure message. */
  tail(n = 30): string {
    const lines = this.lines.slice(-n).map((l) => JSON.stringify(l));
    return [...lines, ...this.otherStdout.slice(-n), this.stderr].filter(Boolean).join('\n');
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; how it exited. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (this.#exit) return this.#exit;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
