// The demo's live view said "hub up" whatever the hub did. It shows what it sees: the hub process
// (a real hub started as the demo starts it) answering its status API, killed, or silent.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HubWatch, hubStateText, watchHubProcess } from '../../sim/demo/hub-watch.ts';
import { type LiveSnapshot, renderLiveView } from '../../sim/demo/live-view.ts';
import { ProcessGroup } from '../../sim/demo/processes.ts';
import { waitFor } from '../support/wait-for.ts';
import { startFaultApiServer } from './support.ts';

const root = new URL('../../', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const view = (watch: HubWatch) => {
  const snapshot: LiveSnapshot = {
    scenario: 'default',
    elapsedSeconds: 1,
    durationSeconds: 10,
    traceSeconds: 1,
    services: [],
    hub: watch.seen(),
    notes: [],
  };
  return renderLiveView(snapshot, false).split('\n')[0]!;
};

describe('the live view’s hub state', () => {
  it('says what it saw of the hub: never answered, answering, silent for how long, killed', async () => {
    let nowMs = 0;
    let answers = true;
    const watch = new HubWatch({
      probe: async () => {
        if (!answers) throw new Error('deadline exceeded');
        return { leader: true };
      },
      now: () => nowMs,
    });
    expect(hubStateText(watch.seen()).text).toBe('hub starting (no answer yet)');
    await watch.probeOnce();
    expect(view(watch)).toContain('hub up');
    answers = false;
    nowMs = 12_000;
    await watch.probeOnce();
    expect(view(watch)).toContain('hub not answering for 12 s');
    watch.exited(null, 'SIGKILL');
    expect(view(watch)).toContain('hub down (killed by SIGKILL)');
  });

  describe('with a real hub process', () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    it('shows "hub up" while it answers and "hub down" once it is killed', { timeout: 30_000 }, async () => {
      const api = await startFaultApiServer();
      cleanups.push(() => api.stop());
      const group = new ProcessGroup(mkdtempSync(join(tmpdir(), 'kosmos-hub-down-')), () => undefined);
      cleanups.push(() => group.stopAll(500));
      const statusPort = await freePort();
      const hub = group.start({
        name: 'hub',
        script: join(root, 'hub/src/main.ts'),
        args: [
          `--kube-server=${api.url}`,
          '--grpc-port=0',
          `--status-port=${statusPort}`,
          '--metrics-port=0',
          '--bind-address=127.0.0.1',
          '--agent-auth=insecure-none',
        ],
      });
      const watch = watchHubProcess(hub, `127.0.0.1:${statusPort}`);
      cleanups.push(() => watch.stop());
      await waitFor('the hub answering', () => view(watch).includes('hub up'), 20_000);
      hub.process.kill('SIGKILL');
      await waitFor('the view saying so', () => view(watch).includes('hub down (killed by SIGKILL)'), 5000);
    });
  });
});
