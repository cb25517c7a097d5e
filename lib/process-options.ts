// Options every kosmos process shares (where the Kubernetes API is, the log level), defined once
// for the processes' defineConfig() option lists.
import type { OptionSpec } from './config.ts';
import type { KubeTarget } from './kube.ts';

/** --kube-server, --kube-token, --kubeconfig, --in-cluster: the fields of lib/kube.ts KubeTarget. */
export const kubeTargetOptions = {
  kubeServer: { flag: 'kube-server', type: 'string', help: 'API server URL (embedded cluster)' },
  kubeToken: { flag: 'kube-token', type: 'string', help: 'bearer token for --kube-server' },
  kubeconfig: {
    flag: 'kubeconfig',
    type: 'string',
    env: false,
    help: 'kubeconfig file (default $KUBECONFIG, ~/.kube/config)',
  },
  inCluster: { flag: 'in-cluster', type: 'bool', default: false, help: 'use the pod ServiceAccount' },
  kubeTimeoutMs: {
    flag: 'kube-timeout',
    type: 'duration',
    default: '10s',
    min: 1,
    help: 'deadline of each Kubernetes API read or write of one object; an expired call is logged and abandoned',
  },
  kubeListTimeoutMs: {
    flag: 'kube-list-timeout',
    type: 'duration',
    default: '60s',
    min: 1,
    help: 'deadline of each Kubernetes API list (informers list at start and on relist)',
  },
} as const satisfies Record<string, OptionSpec>;

export const logLevelOption = {
  flag: 'log-level',
  type: 'enum',
  choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
  default: 'info',
  help: 'log verbosity',
} as const satisfies OptionSpec;

/** The KubeTarget (lib/kube.ts) of parsed kubeTargetOptions values. */
export function kubeTargetOf(values: {
  kubeServer?: string | undefined;
  kubeToken?: string | undefined;
  kubeconfig?: string | undefined;
  inCluster: boolean;
}): KubeTarget {
  return {
    ...(values.kubeServer ? { server: values.kubeServer } : {}),
    ...(values.kubeToken ? { token: values.kubeToken } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    inCluster: values.inCluster,
  };
}
