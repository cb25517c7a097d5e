// An embedded cluster whose nodes run real pods: the API server with its kubelet in external mode,
// one run's cgroup tree (total CPU quota) and the real node runtime; the agent flags that point an
// agent's real cgroup reader at a node; and cleanup on every exit path (stop(), process exit, and
// — when the caller asks — SIGINT/SIGTERM and crashes).
import { join } from 'node:path';
import type { Logger } from '../../../lib/log.ts';
import { parseCpuMilli } from '../../../lib/quantity.ts';
import { type ApiServer, type NodeSpec, startApiServer } from '../../../packages/apiserver/index.ts';
import { RealCgroupTree } from './cgroup-tree.ts';
import { RealNodes } from './real-nodes.ts';

const root = new URL('../../../', import.meta.url).pathname;

export interface RealClusterOptions {
  nodes: NodeSpec[];
  /** CPU of all real pods together, milli-cores (the run's parent quota). */
  totalCpuMilli: number;
  log: Logger;
  logDir?: string;
  /** Also clean up on SIGINT/SIGTERM/uncaught errors, then exit (for CLIs; tests leave it off). */
  handleSignals?: boolean;
}

export interface RealCluster {
  api: ApiServer;
  tree: RealCgroupTree;
  nodes: RealNodes;
  /** Flags that point an agent's real cgroup reader at `node`'s real cgroups. */
  agentCgroupFlags(node: string): string[];
  stop(): Promise<void>;
}

export async function startRealCluster(options: RealClusterOptions): Promise<RealCluster> {
  const tree = RealCgroupTree.create({
    totalCpuMilli: options.totalCpuMilli,
    log: options.log.child({ component: 'cgroups' }),
  });
  const onExit = () => tree.removeSync();
  process.once('exit', onExit);
  const signals: NodeJS.Signals[] = options.handleSignals ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : [];
  const onSignal = (signal: NodeJS.Signals) => {
    tree.removeSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const onCrash = (err: unknown) => {
    options.log.fatal({ err }, 'crashed; removing real pods and cgroups');
    tree.removeSync();
    process.exit(1);
  };
  for (const s of signals) process.once(s, onSignal);
  if (options.handleSignals) process.once('uncaughtException', onCrash);

  let api: ApiServer | undefined;
  try {
    for (const n of options.nodes) tree.addNode(n.name, parseCpuMilli(n.cpu));
    api = await startApiServer({
      crdDir: join(root, 'deploy/crds'),
      nodes: options.nodes,
      kubelet: 'external',
      log: options.log.child({ component: 'apiserver' }),
    });
  } catch (err) {
    tree.removeSync();
    throw err;
  }
  const nodes = new RealNodes({
    api,
    tree,
    log: options.log.child({ component: 'real-nodes' }),
    logDir: options.logDir,
  });
  nodes.start();
  return {
    api,
    tree,
    nodes,
    agentCgroupFlags: (node) => [
      `--cgroup-root=${tree.mountView}`,
      `--kubelet-cgroup-root=${tree.kubeletCgroupRoot(node)}`,
    ],
    async stop() {
      await nodes.stop();
      await api.stop();
      const left = tree.removeSync();
      if (left.length > 0) options.log.warn({ groups: left }, 'cgroups left behind (still busy)');
      process.off('exit', onExit);
      for (const s of signals) process.off(s, onSignal);
      process.off('uncaughtException', onCrash);
    },
  };
}
