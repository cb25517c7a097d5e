// `npm run cluster`: the embedded Kubernetes API server as a standalone process, with simulated
// nodes and the kosmos CRDs, writing a kubeconfig for kubectl and other clients.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../../lib/log.ts';
import { type KubernetesVersion, parseKubernetesVersion, startApiServer } from './index.ts';
import { defaultNodes } from './nodes.ts';

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

const program = new Command()
  .name('cluster')
  .description(
    'Run an in-memory Kubernetes API server (with simulated nodes) for kosmos, kubectl and client libraries.',
  )
  .option('--port <port>', 'port to listen on (0 picks a free one)', integer('port', 0), 6443)
  .option('--host <address>', 'address to bind', '127.0.0.1')
  .option('--crds <dir>', 'directory of CustomResourceDefinition manifests to install', 'deploy/crds')
  .option('--nodes <count>', 'number of simulated nodes', integer('nodes', 0), 3)
  .option('--node-cpu <quantity>', 'CPU of each node', '4')
  .option('--node-memory <quantity>', 'memory of each node', '16Gi')
  .option(
    '--pod-start-delay-ms <ms>',
    'delay from scheduling to Running',
    integer('pod-start-delay-ms', 0),
    500,
  )
  .option(
    '--resize-delay-ms <ms>',
    'delay from admitting a resize to enacting it',
    integer('resize-delay-ms', 0),
    200,
  )
  .option(
    '--pod-termination-delay-ms <ms>',
    'how long a deleted pod stays Terminating (capped by its grace period)',
    integer('pod-termination-delay-ms', 0),
    1000,
  )
  .option('--kubelet <mode>', "'builtin' runs pods itself; 'external' waits for simulated nodes", 'builtin')
  .option(
    '--authorization <mode>',
    "'AlwaysAllow' allows every request; 'RBAC' enforces the Roles and bindings the server holds (the kubeconfig gets an admin token)",
    'AlwaysAllow',
  )
  .option('--kubernetes-version <version>', 'the Kubernetes version to follow: 1.33, 1.34 or 1.35', '1.35')
  .option('--kubeconfig <path>', 'where to write the kubeconfig (default: a temporary directory)')
  .option('--log-level <level>', 'log level (trace, debug, info, warn, error)', 'info')
  .addHelpText(
    'after',
    '\nThen point kubectl at it:\n  export KUBECONFIG=<printed path>\n  kubectl get nodes\n  kubectl apply -k deploy/examples',
  );

async function main(): Promise<void> {
  const opts = program.parse().opts<{
    port: number;
    host: string;
    crds: string;
    nodes: number;
    nodeCpu: string;
    nodeMemory: string;
    podStartDelayMs: number;
    resizeDelayMs: number;
    podTerminationDelayMs: number;
    kubelet: string;
    kubeconfig?: string;
    authorization: string;
    kubernetesVersion: string;
    logLevel: string;
  }>();
  const kubernetesVersion = ((): KubernetesVersion => {
    try {
      return parseKubernetesVersion(opts.kubernetesVersion);
    } catch (err) {
      return program.error(`--kubernetes-version: ${(err as Error).message}`);
    }
  })();
  const authorization = { alwaysallow: 'AlwaysAllow', rbac: 'RBAC' }[opts.authorization.toLowerCase()] as
    | 'AlwaysAllow'
    | 'RBAC'
    | undefined;
  if (!authorization)
    program.error(`--authorization must be 'AlwaysAllow' or 'RBAC', not '${opts.authorization}'`);
  if (opts.kubelet !== 'builtin' && opts.kubelet !== 'external') {
    program.error(`--kubelet must be 'builtin' or 'external', not '${opts.kubelet}'`);
  }
  const crdDir = resolve(opts.crds);
  if (!existsSync(crdDir)) program.error(`CRD directory ${crdDir} does not exist (use --crds <dir>)`);
  const log = createLogger({ level: opts.logLevel, name: 'cluster' });
  const server = await startApiServer({
    port: opts.port,
    host: opts.host,
    crdDir,
    nodes: defaultNodes(opts.nodes, opts.nodeCpu, opts.nodeMemory),
    podStartDelayMs: opts.podStartDelayMs,
    resizeDelayMs: opts.resizeDelayMs,
    podTerminationDelayMs: opts.podTerminationDelayMs,
    kubelet: opts.kubelet as 'builtin' | 'external',
    kubeconfigPath: opts.kubeconfig ? resolve(opts.kubeconfig) : undefined,
    authorization,
    kubernetesVersion,
    log,
  });
  console.log(`Kubernetes API server (in-memory, v${kubernetesVersion}) listening on ${server.url}`);
  console.log(`kubeconfig: ${server.kubeconfigPath}`);
  console.log(`  export KUBECONFIG=${server.kubeconfigPath}`);
  console.log('  kubectl get nodes');
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
