// The hub's status port (HubStatus) as a stranger on the network finds it: it serves the agent port's
// TLS and, with --status-token-file, answers only kosmosctl calls that carry the token.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kosmosctl } from '../../hub/src/cli/kosmosctl.ts';
import { parseHubConfig } from '../../hub/src/config.ts';
import { type RunningHub, startHub } from '../../hub/src/hub.ts';
import { silentLogger } from '../../lib/log.ts';
import { type ApiServer, startApiServer } from '../../packages/apiserver/index.ts';
import { LOOPBACK_HUB_FLAGS } from '../support/hub-flags.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));

let api: ApiServer;
let hub: RunningHub;
let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Runs kosmosctl against the hub's status port; returns what it printed or the error it ended with. */
async function ctl(args: string[]): Promise<{ text: string; error?: string }> {
  const lines: string[] = [];
  const { program, done } = kosmosctl((l) => lines.push(l));
  program.exitOverride();
  try {
    await program.parseAsync(['--hub', `127.0.0.1:${hub.statusPort}`, '--timeout', '3000', ...args], {
      from: 'user',
    });
    return { text: lines.join('\n') };
  } catch (err) {
    return { text: lines.join('\n'), error: (err as Error).message };
  } finally {
    done();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kosmos-status-'));
  api = await startApiServer({ crdDir: 'deploy/crds', nodes: 1 });
  hub = await startHub({
    config: parseHubConfig([
      ...LOOPBACK_HUB_FLAGS,
      `--tls-cert-file=${fixture('hub.crt')}`,
      `--tls-key-file=${fixture('hub.key')}`,
      `--status-token-file=${file('status-token', 's3cret\n')}`,
    ]),
    log: silentLogger(),
    kc: api.kubeConfig(),
    syncTimeoutMs: 10_000,
  });
});

afterAll(async () => {
  await hub?.stop();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the hub status port', () => {
  const tls = ['--ca-file', fixture('ca.crt'), '--tls-server-name', 'localhost'];

  it('answers kosmosctl over TLS with the token', async () => {
    const r = await ctl([...tls, '--token-file', file('good', 's3cret'), 'status']);
    expect(r.error).toBeUndefined();
    expect(r.text).toContain(`hub ${hub.hubId}`);
  });

  it('speaks no plaintext', async () => {
    const r = await ctl(['status']);
    expect(r.error).toMatch(/cannot reach the hub/);
  });

  it.each([
    { name: 'no token', args: [], error: /requires a bearer token: kosmosctl --token-file/ },
    { name: 'a wrong token', args: ['--token-file', 'WRONG'], error: /invalid status token/ },
  ])('refuses a call with $name', async (c) => {
    const args = c.args.map((a) => (a === 'WRONG' ? file('wrong', 'guess') : a));
    const r = await ctl([...tls, ...args, 'status']);
    expect(r.error).toMatch(c.error);
    expect(r.text).toBe('');
  });

  it('kosmosctl will not send its token without TLS unless told to', async () => {
    const r = await ctl(['--token-file', file('good', 's3cret'), 'status']);
    expect(r.error).toMatch(/would send the token in plaintext: give --ca-file/);
  });
});
