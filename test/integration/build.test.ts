// npm run build bundles every image entry point, and each bundle starts: --help exits 0.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AGENT_ENV,
  AGENT_ENV_FILE,
  AGENT_NODE_OPTIONS,
  AGENT_NODE_OPTIONS_FILE,
  ENTRY_NAMES,
  HUB_NODE_OPTIONS,
  HUB_NODE_OPTIONS_FILE,
  parseEnvFile,
} from '../../build-entries.ts';

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
    // the agent as docker-entrypoint.sh starts it: under the V8 limits the build wrote beside it
    const options = readFileSync(join(out, AGENT_NODE_OPTIONS_FILE), 'utf8').trim().split(' ');
    expect(options).toEqual([...AGENT_NODE_OPTIONS]);
    // ... and with the environment it wrote beside them
    expect(parseEnvFile(readFileSync(join(out, AGENT_ENV_FILE), 'utf8'))).toEqual(AGENT_ENV);
    const agentHelp = await run(process.execPath, [...options, join(out, 'agent.mjs'), '--help'], {
      timeout: 30_000,
    });
    expect(agentHelp.stdout).toMatch(/^Usage: kosmos-agent/);
    expect(agentHelp.stdout).toContain('--node-name');
    // the hub as docker-entrypoint.sh starts it: under the V8 options the build wrote beside it
    const hubOptions = readFileSync(join(out, HUB_NODE_OPTIONS_FILE), 'utf8').trim().split(' ');
    expect(hubOptions).toEqual([...HUB_NODE_OPTIONS]);
    const hubHelp = await run(process.execPath, [...hubOptions, join(out, 'hub.mjs'), '--help'], {
      timeout: 30_000,
    });
    expect(hubHelp.stdout).toMatch(/^Usage: /);
    // V8 keeps the source of each bundle: ASCII keeps it at one byte per character
    for (const name of ENTRY_NAMES)
      expect(
        readFileSync(join(out, `${name}.mjs`)).some((b) => b >= 0x80),
        name,
      ).toBe(false);
    // client-node's generated API methods that no source file names are left out; the called stay
    const agent = readFileSync(join(out, 'agent.mjs'), 'latin1');
    for (const called of [
      'patchNamespacedPodResize',
      'listNamespacedPod',
      'patchNamespacedCustomObjectStatus',
    ])
      expect(agent, called).toContain(`${called}WithHttpInfo(`);
    expect(agent).not.toContain('connectDeleteNamespacedPodProxy');
    // ... and of undici, what client-node takes (fetch, Agent, ProxyAgent) without its mock agents
    expect(agent).toContain('ProxyAgent');
    expect(agent).not.toContain('MockAgent');
    expect(readFileSync(join(out, 'hub.mjs'), 'latin1')).toContain(
      'patchNamespacedDeploymentScaleWithHttpInfo(',
    );
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
