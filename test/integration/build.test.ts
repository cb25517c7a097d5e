// npm run build bundles every image entry point, and each bundle starts: --help exits 0.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTRY_NAMES } from '../../build-entries.ts';

const run = promisify(execFile);
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const out = mkdtempSync(join(tmpdir(), 'kosmos-build-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run build', () => {
  it('bundles the agent, the hub and the CLIs, and each bundle answers --help', async () => {
    await run(process.execPath, [join(ROOT, 'build.ts'), `--out=${out}`], { timeout: 60_000 });
    const helps = await Promise.all(
      ENTRY_NAMES.map((name) =>
        run(process.execPath, [join(out, `${name}.mjs`), '--help'], { timeout: 30_000 }).then(
          (r) => r.stdout,
        ),
      ),
    );
    for (const [i, help] of helps.entries()) expect(help, ENTRY_NAMES[i]).toMatch(/^Usage: /);
    // the bundle finds its .proto files: the call gets as far as the (absent) hub
    const status = await run(process.execPath, [join(out, 'kosmosctl.mjs'), '--hub=127.0.0.1:1', 'status'], {
      timeout: 30_000,
    }).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(status).toContain('cannot reach the hub');
  }, 90_000);
});
