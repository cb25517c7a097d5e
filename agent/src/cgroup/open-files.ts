// Cgroup files read through descriptors kept open across ticks (one pread each instead of
// open/read/close), grouped by cgroup directory so a vanished cgroup's descriptors are closed.
import { closeSync, fstatSync, openSync, readSync, statfsSync } from 'node:fs';

const CHUNK_BYTES = 16 * 1024;
/** statfs f_type of cgroup2 and of cgroup v1 hierarchies (linux/magic.h). */
const CGROUP2_SUPER_MAGIC = 0x63677270;
const CGROUP_SUPER_MAGIC = 0x27e0eb;
/**
 * A kept descriptor that fails with one of these is reopened by name once: the kernel answers ENODEV
 * once the cgroup behind it was removed (a cgroup recreated under the same name is read at once),
 * ESTALE on a file system that lost the file.
 */
const REOPEN_CODES = new Set(['ENODEV', 'ESTALE', 'EBADF', 'ENOENT']);

/** Whether `dir` is on a kernel cgroup file system (v1 or v2), not a tree of ordinary files. */
export function isKernelCgroupFs(dir: string): boolean {
  try {
    const { type } = statfsSync(dir);
    return type === CGROUP2_SUPER_MAGIC || type === CGROUP_SUPER_MAGIC;
  } catch {
    return false;
  }
}

export interface OpenCgroupFilesOptions {
  /**
   * Files may be replaced under their name (temp + rename: a tree of ordinary files written by the
   * simulated node or a test), so each read first checks that the kept descriptor's file still has
   * a name. The kernel's cgroup files are never replaced: false saves an fstat per read. Default true.
   */
  replaceable?: boolean;
}

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

export class OpenCgroupFiles {
  readonly #byDir = new Map<string, Map<string, number>>();
  readonly #replaceable: boolean;
  #buffer = Buffer.allocUnsafe(CHUNK_BYTES);

  constructor(options: OpenCgroupFilesOptions = {}) {
    this.#replaceable = options.replaceable ?? true;
  }

  /** The file's whole text, read from offset 0; throws (ENOENT, ENODEV) when the cgroup is gone. */
  read(dir: string, file: string): string {
    let fds = this.#byDir.get(dir);
    if (!fds) {
      fds = new Map();
      this.#byDir.set(dir, fds);
    }
    const kept = fds.get(file);
    if (kept !== undefined) {
      try {
        // a descriptor on a removed or replaced ordinary file reads the old inode: reopen by name
        if (!this.#replaceable || fstatSync(kept).nlink > 0) return this.#readAll(kept);
      } catch (err) {
        if (!REOPEN_CODES.has(codeOf(err))) {
          this.closeDir(dir);
          throw err;
        }
      }
      closeSync(kept);
      fds.delete(file);
    }
    try {
      const fd = openSync(file, 'r');
      fds.set(file, fd);
      return this.#readAll(fd);
    } catch (err) {
      this.closeDir(dir);
      throw err;
    }
  }

  #readAll(fd: number): string {
    let length = 0;
    for (;;) {
      const n = readSync(fd, this.#buffer, length, this.#buffer.length - length, length);
      length += n;
      if (n === 0 || length < this.#buffer.length) break;
      const bigger = Buffer.allocUnsafe(this.#buffer.length * 2);
      this.#buffer.copy(bigger, 0, 0, length);
      this.#buffer = bigger;
    }
    return this.#buffer.toString('latin1', 0, length);
  }

  /** Closes the descriptors of one cgroup directory (it vanished or is no longer read). */
  closeDir(dir: string): void {
    const fds = this.#byDir.get(dir);
    if (!fds) return;
    for (const fd of fds.values()) closeSync(fd);
    this.#byDir.delete(dir);
  }

  /** Closes every directory not in `live`. */
  keepOnly(live: ReadonlySet<string>): void {
    for (const dir of [...this.#byDir.keys()]) if (!live.has(dir)) this.closeDir(dir);
  }

  get openDirs(): number {
    return this.#byDir.size;
  }

  /** Descriptors open in all (tests, metrics). */
  get openFiles(): number {
    let n = 0;
    for (const fds of this.#byDir.values()) n += fds.size;
    return n;
  }
}
