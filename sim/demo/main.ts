// `npm start`: the embedded-cluster demo. Starts the in-memory API server and simulated nodes in
// this process, the real hub and one real agent per node as child processes (real gRPC), applies
// the scenario's Deployments and SLAs, replays the trace, shows a live view and writes a report.

import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { GROUP, PODSCALE_PLURAL, VERSION } from '../../lib/api/types.ts';
import { parseDurationSeconds } from '../../lib/duration.ts';
import { kubeClients } from '../../lib/kube.ts';
import { createLogger } from '../../lib/log.ts';
import { parseCpuMilli } from '../../lib/quantity.ts';
import { type ApiServer, startApiServer } from '../../packages/apiserver/index.ts';
import { requireHaproxy } from '../load/haproxy.ts';
import { createTempCgroupRoot, type TempCgroupRoot } from '../node/cgroup-root.ts';
import { createCgroupWriter } from '../node/cgroup-writer.ts';
import { realCgroupsUnavailable } from '../node/real/cgroup-tree.ts';
import { startRealCluster } from '../node/real/real-cluster.ts';
import { startPodDiscovery } from '../prometheus/pod-discovery.ts';
import { prometheusVersion, startPrometheus } from '../prometheus/prometheus-process.ts';
import { type ServiceRecord, summarize, writeDemoReport } from '../report/demo-report.ts';
import { loadScenario } from '../scenario/scenario-file.ts';
import type { Scenario } from '../scenario/types.ts';
import { applyScenario } from './apply.ts';
import { watchHubProcess } from './hub-watch.ts';
import { LiveCluster, type LiveStep } from './live-cluster.ts';
import { type LiveSnapshot, renderLiveView } from './live-view.ts';
import { ProcessGroup, type RunningChild, waitForPort } from './processes.ts';
import { RealLiveCluster } from './real-live-cluster.ts';

const root = new URL('../../', import.meta.url).pathname;
/** --real: all real pods together get this much CPU (of the machine's cores); the scenario is scaled to it. */
const REAL_TOTAL_CPU_MILLI = 1200;

function scrapeInterval(v: string): string {
  const seconds = parseDurationSeconds(v);
  if (seconds === undefined || seconds < 1)
    throw new InvalidArgumentError('expected a duration of at least 1s, e.g. 15s');
  return v;
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

const program = new Command('kosmos-demo')
  .description(
    'Runs kosmos on an embedded cluster: simulated nodes and workloads replay a request trace while the real hub and agents keep each service inside its objective.',
  )
  .option(
    '--scenario <name|file>',
    'a bundled scenario (default, step, flash-crowd, twitter) or a scenario YAML file',
    'default',
  )
  .option('--duration <seconds>', 'stop after this many seconds (default: the scenario duration)', positive)
  .option('--speed <factor>', 'replay the trace this many times faster than the scenario says', positive, 1)
  .option('--report-dir <dir>', 'where to write index.html, SVG charts and summary.json', 'report')
  .option('--no-live', 'print a line every 10 s instead of redrawing the live view')
  .option(
    '--prometheus',
    'read the first service’s response time from a real Prometheus (a `prometheus` binary on the PATH) instead of the agent’s scrape',
  )
  .option(
    '--prometheus-scrape-interval <duration>',
    'with --prometheus: how often Prometheus scrapes the service’s pods (the SLA says the same)',
    scrapeInterval,
    '5s',
  )
  .option(
    '--real',
    `run the pods as real processes in real cgroups (CFS quota = the pod's CPU limit, rewritten on every resize) behind HAProxy, under real open-loop load measured at the client; every CPU figure of the scenario is scaled so its nodes share ${REAL_TOTAL_CPU_MILLI / 1000} cores. Needs root, cgroup v1 and haproxy`,
  )
  .addHelpText('after', '\nLogs of the hub, agents and simulated cluster go to <report-dir>/logs/.');

interface DemoOptions {
  scenario: string;
  duration?: number;
  speed: number;
  reportDir: string;
  live: boolean;
  prometheus?: boolean;
  prometheusScrapeInterval: string;
  real?: boolean;
}

/** Why --real cannot run here (with what to do), or undefined when it can. */
function realModeUnavailable(): string | undefined {
  if (process.getuid?.() !== 0)
    return '--real runs pods in real cgroups and needs root: run it as root (e.g. sudo npm start -- --real)';
  const cgroups = realCgroupsUnavailable();
  if (cgroups) return `--real: ${cgroups}`;
  try {
    requireHaproxy();
  } catch (err) {
    return `--real: ${(err as Error).message}`;
  }
  return undefined;
}

/** The factor that fits the scenario's nodes into REAL_TOTAL_CPU_MILLI (1 when they already fit). */
function realCpuScale(scenario: Scenario): number {
  const total = scenario.nodes.reduce((a, n) => a + n.allocatable.cpuMilli, 0);
  return Math.min(1, REAL_TOTAL_CPU_MILLI / total);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const opts = program.parse().opts<DemoOptions>();
  if (opts.real) {
    const why = realModeUnavailable();
    if (why) {
      console.error(`kosmos demo: ${why}`);
      process.exit(2);
    }
  }
  let scenario: Scenario;
  let cpuScale = 1;
  try {
    scenario = await loadScenario(opts.scenario);
    cpuScale = opts.real ? realCpuScale(scenario) : 1;
    if (cpuScale < 1) scenario = await loadScenario(opts.scenario, { cpuScale });
  } catch (err) {
    console.error(`kosmos demo: ${(err as Error).message}`);
    process.exit(2);
  }
  if (opts.prometheus && !prometheusVersion()) {
    console.error(
      'kosmos demo: --prometheus needs a `prometheus` binary on the PATH (Debian/Ubuntu: apt-get install prometheus, or bash .ci/install-prometheus)',
    );
    process.exit(2);
  }
  const duration = opts.duration ?? scenario.durationSeconds;
  const logDir = join(opts.reportDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = createLogger({
    name: 'kosmos-demo',
    destination: createWriteStream(join(logDir, 'cluster.log')),
  });

  const realCluster = opts.real
    ? await startRealCluster({
        nodes: scenario.nodes.map((n) => ({
          name: n.name,
          cpu: `${n.allocatable.cpuMilli}m`,
          memory: String(n.allocatable.memoryBytes),
        })),
        totalCpuMilli: REAL_TOTAL_CPU_MILLI,
        log,
        logDir,
      })
    : undefined;
  const api = realCluster?.api ?? (await simulatedApiServer(scenario, log));
  const clients = kubeClients(api.kubeConfig());

  const cgroupRoots: TempCgroupRoot[] = [];
  const writers = new Map<string, Awaited<ReturnType<typeof createCgroupWriter>>>();
  for (const node of realCluster ? [] : scenario.nodes) {
    const dir = await createTempCgroupRoot(`kosmos-demo-${node.name}-`);
    cgroupRoots.push(dir);
    writers.set(node.name, await createCgroupWriter({ root: dir.path }));
  }

  let stopping = false;
  const notes: string[] = [];
  const group = new ProcessGroup(logDir, (child, code) => {
    notes.push(`${child.name} exited unexpectedly (code ${code}); see ${child.logPath}`);
  });
  const agentCgroupFlags = (node: string, i: number) =>
    realCluster ? realCluster.agentCgroupFlags(node) : ['--cgroup-root', cgroupRoots[i]!.path];
  const { statusPort, hub } = await startKosmos(group, api.url, scenario, agentCgroupFlags);
  const hubWatch = watchHubProcess(hub, `127.0.0.1:${statusPort}`);
  notes.push(
    `inspect it live: npx kosmosctl status --hub 127.0.0.1:${statusPort}   ·   kubectl --kubeconfig ${api.kubeconfigPath} get sla,podscales`,
  );
  if (realCluster)
    notes.push(
      `real pods: processes in real cgroups behind HAProxy, CPU figures ×${cpuScale.toFixed(2)} (${REAL_TOTAL_CPU_MILLI / 1000} cores in all); response times measured at the client`,
    );
  for (const n of notes) console.log(n);
  const prometheus = opts.prometheus
    ? await prometheusSource(clients, scenario, opts.prometheusScrapeInterval)
    : undefined;
  if (prometheus) notes.push(prometheus.note);
  await applyScenario(clients, scenario, realCluster ? sampleAppArgs : undefined);
  if (realCluster) console.log('waiting for a ready real pod of every service behind its balancer ...');
  const cluster: DemoNodes = realCluster
    ? await startRealLoad(
        {
          scenario,
          cluster: realCluster,
          clients,
          hubStatusAddress: `127.0.0.1:${statusPort}`,
          durationSeconds: duration,
          speed: opts.speed,
          log: log.child({ component: 'real-load' }),
        },
        statusPort,
        async () => {
          await group.stopAll();
          await realCluster.stop();
        },
      )
    : new LiveCluster({
        scenario,
        core: clients.core,
        writers,
        log: log.child({ component: 'nodes' }),
      });

  const records: ServiceRecord[] = scenario.services.map((s) => ({
    name: s.name,
    sloSeconds: s.sla.sloSeconds,
    statistic: s.sla.statistic,
    samples: [],
    pods: new Map(),
  }));
  const tty = process.stdout.isTTY && opts.live;
  const started = Date.now();
  let elapsed = 0;

  const finish = async (stoppedEarly: boolean) => {
    if (stopping) return;
    stopping = true;
    if (tty) process.stdout.write('\n');
    console.log('stopping hub, agents and the embedded cluster ...');
    hubWatch.stop();
    await group.stopAll();
    await prometheus?.stop();
    const apiRequests = api.requestCounts();
    await cluster.close();
    if (realCluster) await realCluster.stop();
    else await api.stop();
    await Promise.all(cgroupRoots.map((r) => r.remove()));
    const summary = summarize(scenario.name, records, stoppedEarly, apiRequests);
    const index = await writeDemoReport(opts.reportDir, summary, records);
    for (const s of summary.services) {
      console.log(
        `${s.name}: SLO (${s.statistic} ≤ ${Math.round(s.sloSeconds * 1000)} ms) violated ${s.sloViolationPercent.toFixed(1)}% of the time, ${s.coreSecondsAllocated} core-seconds allocated, ${s.resizes} resizes, ${s.scaleEvents} replica changes, ${s.nodeContentionPodSeconds} pod-seconds capped by node arbitration`,
      );
    }
    console.log(`report: ${index}`);
  };
  process.once('SIGINT', () => void finish(true).then(() => process.exit(130)));
  process.once('SIGTERM', () => void finish(true).then(() => process.exit(143)));

  try {
    await runLoop();
  } catch (err) {
    console.error(`kosmos demo: simulation failed: ${(err as Error).stack ?? err}`);
    await finish(true);
    process.exit(1);
  }
  await finish(false);

  async function runLoop(): Promise<void> {
    while (!stopping && elapsed < duration) {
      const traceSeconds = elapsed * opts.speed;
      const step = await cluster.step(traceSeconds, 1);
      const desired = await desiredByPod(clients);
      recordStep(records, step, desired, elapsed);
      const snapshot: LiveSnapshot = {
        scenario: scenario.name,
        elapsedSeconds: elapsed,
        durationSeconds: duration,
        traceSeconds,
        services: step.services,
        hub: hubWatch.seen(),
        notes,
      };
      if (tty) process.stdout.write(`\x1b[H\x1b[2J${renderLiveView(snapshot, true)}\n`);
      else if (elapsed % 10 === 0)
        console.log(
          renderLiveView(snapshot, false)
            .split('\n')
            .filter((l) => !l.startsWith('  '))
            .join(' | '),
        );
      elapsed++;
      const wait = started + elapsed * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** --real: the load through a balancer per service, once the hub's status API (the weights) listens. */
async function startRealLoad(
  o: Parameters<typeof RealLiveCluster.start>[0],
  statusPort: number,
  stopAll: () => Promise<void>,
) {
  try {
    await waitForPort(statusPort, 120_000, 'the hub (see hub.log)');
    return await RealLiveCluster.start(o);
  } catch (err) {
    console.error(`kosmos demo: ${(err as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

/** The demo's nodes, simulated (LiveCluster) or real (RealLiveCluster). */
interface DemoNodes {
  step(traceSeconds: number, dtSeconds: number): Promise<LiveStep>;
  close(): Promise<void>;
}

/** The in-memory API server whose built-in kubelet runs the simulated nodes' pods. */
async function simulatedApiServer(
  scenario: Scenario,
  log: ReturnType<typeof createLogger>,
): Promise<ApiServer> {
  let ipCounter = 0;
  const podIps = new Map<string, string>();
  // a random second octet: demos side by side on one machine do not share pod addresses
  const prefix = `127.${220 + (randomBytes(1)[0]! % 35)}`;
  return startApiServer({
    crdDir: join(root, 'deploy/crds'),
    nodes: scenario.nodes.map((n) => ({
      name: n.name,
      cpu: `${n.allocatable.cpuMilli}m`,
      memory: String(n.allocatable.memoryBytes),
    })),
    podStartDelayMs: Math.max(...scenario.services.map((s) => s.startupSeconds)) * 1000,
    resizeDelayMs: scenario.resizeDelaySeconds * 1000,
    podIp: (pod) => {
      const uid = pod.metadata.uid!;
      if (!podIps.has(uid)) {
        ipCounter++;
        podIps.set(uid, `${prefix}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`);
      }
      return podIps.get(uid);
    },
    log: log.child({ component: 'apiserver' }),
  });
}

/** A real pod runs the sample app burning the service's CPU per request (its mean: the app's is fixed). */
const sampleAppArgs = (svc: Scenario['services'][number]) => [
  '--cpu-per-request-ms',
  (svc.workload.cpuSecondsPerRequest * 1000).toFixed(3),
];

/** A pod's PodScale CPU: desired (spec) and capped (status), milli-cores. */
interface PodCpu {
  desired?: number;
  capped?: number;
  /** Its node's agent granted less than desired to fit the node (arbitration). */
  nodeContention?: boolean;
}

/** Whether the hub's log says it started (its gRPC, status and metrics ports are bound). */
function hubStarted(logPath: string): boolean {
  try {
    return readFileSync(logPath, 'utf8').includes('"msg":"hub started"');
  } catch {
    return false;
  }
}

/**
 * Starts the hub on free ports, again on others (up to 3 times) when it exits before it has started:
 * a port found free can be taken by another process before the hub binds it.
 */
async function startHub(
  group: ProcessGroup,
  apiUrl: string,
): Promise<{ grpcPort: number; statusPort: number; hub: RunningChild }> {
  for (let attempt = 1; ; attempt++) {
    const [grpcPort, statusPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    const hub = group.start({
      name: 'hub',
      script: join(root, 'hub/src/main.ts'),
      args: [
        '--kube-server',
        apiUrl,
        '--grpc-port',
        String(grpcPort),
        '--status-port',
        String(statusPort),
        '--metrics-port',
        String(metricsPort),
        '--bind-address',
        '127.0.0.1',
        // The demo's agents and hub share one machine and loopback; a cluster uses tokenreview.
        '--agent-auth',
        'insecure-none',
      ],
    });
    let exited = false;
    void hub.exited.then(() => {
      exited = true;
    });
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline && !hubStarted(hub.logPath)) {
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!exited || attempt === 3) return { grpcPort, statusPort, hub };
    group.forget(hub);
  }
}

/** Starts the hub and one agent per node as child processes; returns the hub and its status port. */
async function startKosmos(
  group: ProcessGroup,
  apiUrl: string,
  scenario: Scenario,
  agentCgroupFlags: (node: string, index: number) => string[],
): Promise<{ statusPort: number; hub: RunningChild }> {
  const { grpcPort, statusPort, hub } = await startHub(group, apiUrl);
  for (const [i, node] of scenario.nodes.entries()) {
    group.start({
      name: `agent-${node.name}`,
      script: join(root, 'agent/src/main.ts'),
      args: [
        '--node-name',
        node.name,
        '--hub-address',
        `127.0.0.1:${grpcPort}`,
        '--kube-server',
        apiUrl,
        ...agentCgroupFlags(node.name, i),
        '--health-port',
        '0',
        '--bind-address',
        '127.0.0.1',
      ],
    });
  }
  return { statusPort, hub };
}

/** Appends one step to the report records; fills each live pod's desired and capped CPU. */
function recordStep(records: ServiceRecord[], step: LiveStep, desired: Map<string, PodCpu>, t: number): void {
  for (const [i, svc] of step.services.entries()) {
    const rec = records[i]!;
    rec.samples.push({
      t,
      requestRate: svc.requestRate,
      responseTimeSeconds: svc.responseTimeSeconds,
      replicas: svc.replicas,
    });
    for (const p of svc.pods) {
      p.desiredCpuMilli = desired.get(p.uid)?.desired;
      p.cappedCpuMilli = desired.get(p.uid)?.capped;
      const series = rec.pods.get(p.name) ?? [];
      series.push({
        t,
        desiredCpuMilli: p.desiredCpuMilli,
        nodeContention: desired.get(p.uid)?.nodeContention === true,
        enactedCpuMilli: p.enactedCpuMilli,
        usageCpuMilli: p.usageCpuMilli,
      });
      rec.pods.set(p.name, series);
    }
  }
}

/** PodScale desired and capped CPU by pod uid, for the live view. */
async function desiredByPod(clients: ReturnType<typeof kubeClients>): Promise<Map<string, PodCpu>> {
  const out = new Map<string, PodCpu>();
  const list = (await clients.custom.listClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: PODSCALE_PLURAL,
  })) as {
    items: {
      spec?: { podRef?: { uid?: string }; desired?: { cpu?: string } };
      status?: { capped?: { cpu?: string; reason?: string } };
    }[];
  };
  for (const ps of list.items) {
    const uid = ps.spec?.podRef?.uid;
    if (!uid) continue;
    out.set(uid, {
      desired: ps.spec?.desired?.cpu ? parseCpuMilli(ps.spec.desired.cpu) : undefined,
      capped: ps.status?.capped?.cpu ? parseCpuMilli(ps.status.capped.cpu) : undefined,
      nodeContention: ps.status?.capped?.reason === 'NodeContention',
    });
  }
  return out;
}

await main();

/**
 * --prometheus: a real Prometheus on loopback scraping the first service's pods every
 * `scrapeInterval` (found through an http_sd endpoint on the embedded cluster), and that service's
 * SLA switched to it.
 */
async function prometheusSource(
  clients: ReturnType<typeof kubeClients>,
  scenario: Scenario,
  scrapeInterval: string,
) {
  const service = scenario.services[0]!;
  const scrape = service.sla.spec.metrics.scrape;
  const port = scrape?.port ?? 8080;
  const discovery = await startPodDiscovery({
    core: clients.core,
    labelSelector: `app=${service.name}`,
    port,
  });
  const prometheus = await startPrometheus({
    scrapeInterval,
    scrapeConfigs: [
      { job_name: service.name, http_sd_configs: [{ url: discovery.url, refresh_interval: '5s' }] },
    ],
  });
  service.sla.spec.metrics = {
    prometheus: {
      url: prometheus.url,
      metric: scrape?.metric ?? 'http_request_duration_seconds',
      labelMatchers: `job="${service.name}"`,
      scrapeInterval,
    },
  };
  return {
    note: `${service.name}: response time from Prometheus ${prometheus.url} (${scrapeInterval} scrapes)`,
    async stop() {
      await prometheus.stop();
      await discovery.close();
    },
  };
}
