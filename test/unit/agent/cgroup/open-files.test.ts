import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenCgroupFiles } from '../../../../agent/src/cgroup/open-files.ts';

const dirs: string[] = [];
function cgroupDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kosmos-open-files-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('OpenCgroupFiles', () => {
  it('reads the current text through the kept descriptor when the file is rewritten in place', () => {
    const dir = cgroupDir();
    const file = join(dir, 'cpu.stat');
    writeFileSync(file, 'usage_usec 100\n');
    const files = new OpenCgroupFiles();
    expect(files.read(dir, file)).toBe('usage_usec 100\n');
    writeFileSync(file, 'usage_usec 250\n');
    expect(files.read(dir, file)).toBe('usage_usec 250\n');
    expect(files.openDirs).toBe(1);
  });

  it('reopens a file replaced under its name (temp + rename)', () => {
    const dir = cgroupDir();
    const file = join(dir, 'memory.current');
    writeFileSync(file, '1\n');
    const files = new OpenCgroupFiles();
    files.read(dir, file);
    writeFileSync(join(dir, 'tmp'), '2\n');
    renameSync(join(dir, 'tmp'), file);
    expect(files.read(dir, file)).toBe('2\n');
  });

  it('reads files larger than its buffer whole', () => {
    const dir = cgroupDir();
    const file = join(dir, 'memory.stat');
    const text = 'inactive_file 1\n'.repeat(3000);
    writeFileSync(file, text);
    expect(new OpenCgroupFiles().read(dir, file)).toBe(text);
  });

  it('throws ENOENT once the cgroup is removed and closes its descriptors', () => {
    const dir = cgroupDir();
    const file = join(dir, 'cpu.stat');
    writeFileSync(file, 'x\n');
    const files = new OpenCgroupFiles();
    files.read(dir, file);
    rmSync(dir, { recursive: true });
    expect(() => files.read(dir, file)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(files.openDirs).toBe(0);
  });

  it('closes the directories no longer read', () => {
    const a = cgroupDir();
    const b = cgroupDir();
    writeFileSync(join(a, 'f'), 'a');
    writeFileSync(join(b, 'f'), 'b');
    const files = new OpenCgroupFiles();
    files.read(a, join(a, 'f'));
    files.read(b, join(b, 'f'));
    files.keepOnly(new Set([b]));
    expect(files.openDirs).toBe(1);
  });
});
