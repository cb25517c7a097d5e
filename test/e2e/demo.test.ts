// The whole system end to end, as `npm start` runs it: embedded API server and simulated nodes,
// the real hub and agents as separate processes over gRPC, a load step — the loop must close.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DemoSummary } from '../../sim/report/demo-report.ts';

const root = new URL('../../', import.meta.url).pathname;

function runDemo(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'sim/demo/main.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`demo did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// The two run at once: the refusal needs no cluster and should not wait for the demo.
describe('npm start (embedded-cluster demo), end to end', () => {
  it.concurrent('closes the loop on a load step: grows pods in place, scales out, arbitrates a full node, ends inside the SLO', {
    timeout: 200_000,
  }, async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'kosmos-e2e-'));
    const { code, output } = await runDemo(
      [
        '--scenario',
        join(root, 'test/fixtures/scenarios/e2e-step.yaml'),
        '--no-live',
        '--report-dir',
        reportDir,
      ],
      180_000,
    );
    expect(code, output).toBe(0);
    const summary = JSON.parse(readFileSync(join(reportDir, 'summary.json'), 'utf8')) as DemoSummary;
    const web = summary.services.find((s) => s.name === 'web')!;
    const context = JSON.stringify(summary, null, 2);

    // Vertical: the agent resized through pods/resize and the kubelet enacted more CPU.
    expect(summary.apiRequests?.['patch pods/resize'] ?? 0, context).toBeGreaterThan(0);
    expect(web.maxEnactedCpuMilli, context).toBeGreaterThan(web.initialEnactedCpuMilli);
    // Horizontal: one pod capped at the SLA max cannot serve the step; the hub scaled out via /scale.
    expect(
      summary.apiRequests?.['patch deployments/scale'] ??
        summary.apiRequests?.['update deployments/scale'] ??
        0,
      context,
    ).toBeGreaterThan(0);
    expect(web.maxReplicas, context).toBeGreaterThan(web.initialReplicas);
    // Arbitration: grown pods sharing a 1-core node did not all get what they desired.
    expect(web.nodeContentionPodSeconds, context).toBeGreaterThan(0);
    // And the response time came back under the objective by the end.
    expect(web.tailViolationPercent, context).toBeLessThanOrEqual(10);
    expect(readFileSync(join(reportDir, 'index.html'), 'utf8')).toContain('web-rt.svg');
  });

  it.concurrent('refuses a Prometheus scrape interval under 1 s, saying what it expects', async () => {
    const { code, output } = await runDemo(['--prometheus', '--prometheus-scrape-interval', '500ms'], 20_000);
    expect(code).not.toBe(0);
    expect(output).toContain('--prometheus-scrape-interval');
    expect(output).toContain('expected a duration of at least 1s');
  });
});
