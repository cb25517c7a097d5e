// A hub and one node agent (real code, real gRPC on loopback) against an embedded API server, with
// the fast periods and generous write limits the hub+agent integration tests use.
import { parseAgentConfig } from '../../../agent/src/config.ts';
import type { MetricsScraper } from '../../../agent/src/edges.ts';
import { type RunningAgent, type StartOptions, startAgent } from '../../../agent/src/start.ts';
import { parseHubConfig } from '../../../hub/src/config.ts';
import { type RunningHub, startHub } from '../../../hub/src/hub.ts';
import { type Logger, silentLogger } from '../../../lib/log.ts';
import type { ApiServer } from '../../../packages/apiserver/index.ts';
import type { Workload } from './workload.ts';

export interface HubAgentPair {
  hub: RunningHub;
  agent: RunningAgent;
  stop(): Promise<void>;
}

/**
 * Starts the hub (200 ms period, agents unauthenticated, plus `hubFlags`) and the agent of `node` (plus `agentFlags`), fed by
 * `workload` (or reading real cgroups and pods when there is none; `scraper` replaces its response
 * times); the agent dials `hubHost` (localhost for TLS, whose certificate names it).
 */
export async function startHubAndAgent(
  api: ApiServer,
  workload: Workload | undefined,
  node: string,
  hubFlags: readonly string[] = [],
  agentFlags: readonly string[] = [],
  hubHost = '127.0.0.1',
  scraper?: MetricsScraper,
  extra: { hubLog?: Logger; agentLog?: Logger; agent?: Partial<StartOptions> } = {},
): Promise<HubAgentPair> {
  const hub = await startHub({
    config: parseHubConfig([
      '--grpc-port=0',
      '--status-port=0',
      '--metrics-port=0',
      '--bind-address=127.0.0.1',
      '--period=200ms',
      '--write-qps=200',
      '--write-burst=200',
      // Tests that authenticate agents pass --agent-auth=tokenreview in hubFlags (the last one wins).
      '--agent-auth=insecure-none',
      ...hubFlags,
    ]),
    log: extra.hubLog ?? silentLogger(),
    kc: api.kubeConfig(),
    syncTimeoutMs: 10_000,
  });
  const agent = await startAgent(
    parseAgentConfig([
      `--node-name=${node}`,
      `--hub-address=${hubHost}:${hub.grpcPort}`,
      `--kube-server=${api.url}`,
      '--tick=200ms',
      '--directive-wait=150ms',
      '--health-port=0',
      '--bind-address=127.0.0.1',
      '--write-qps=200',
      '--write-burst=200',
      ...agentFlags,
    ]),
    {
      log: extra.agentLog ?? silentLogger(),
      // no workload: the agent's real cgroup reader and scraper (real pods)
      ...(workload ? { scraper: workload.scraper(), usageReader: workload.usageReader() } : {}),
      ...(scraper ? { scraper } : {}),
      hubBackoff: { initialMs: 50, maxMs: 200, factor: 2 },
      ...extra.agent,
    },
  );
  return {
    hub,
    agent,
    async stop() {
      await agent.stop();
      await hub.stop();
    },
  };
}
