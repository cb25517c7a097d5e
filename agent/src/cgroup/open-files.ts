// Cgroup files read through descriptors kept open across ticks (one pread each instead of
// open/read/close), grouped by cgroup directory so a vanished cgroup's descriptors are closed.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 16 * 1024;

export class OpenCgroupFiles {
  readonly #byDir = new Map<string, Map<string, number>>();
  #buffer = Buffer.allocUnsafe(CHUNK_BYTES);

  /** The file's whole text, read from offset 0; throws ENOENT when it is gone. */
  read(dir: string, file: string): string {
    let fds = this.#byDir.get(dir);
    if (!fds) {
      fds = new Map();
      this.#byDir.set(dir, fds);
    }
    try {
      let fd = fds.get(file);
      // a descriptor on a removed or replaced file (tmpfs, a writer's temp + rename) reads the old
      // inode: reopen by name, which fails with ENOENT once the cgroup is gone
      if (fd !== undefined && fstatSync(fd).nlink === 0) {
        closeSync(fd);
        fds.delete(file);
        fd = undefined;
      }
      if (fd === undefined) {
        fd = openSync(file, 'r');
        fds.set(file, fd);
      }
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
    return this.#buffer.toString('utf8', 0, length);
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
}
