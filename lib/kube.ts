// The one kube client factory: in-cluster, a kubeconfig file, or an explicit server URL
// (the embedded cluster, tests).
import * as k8s from '@kubernetes/client-node';

export interface KubeTarget {
  /** Explicit API server URL, e.g. http://127.0.0.1:6443 (embedded cluster). */
  server?: string;
  /** Bearer token to present to an explicit server. */
  token?: string;
  /** Path to a kubeconfig; default: $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** Force in-cluster configuration (ServiceAccount token + KUBERNETES_SERVICE_HOST). */
  inCluster?: boolean;
}

export function kubeConfigFor(target: KubeTarget = {}): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (target.server) {
    kc.loadFromClusterAndUser(
      { name: 'kosmos', server: target.server, skipTLSVerify: target.server.startsWith('http:') },
      target.token ? { name: 'kosmos', token: target.token } : { name: 'kosmos' },
    );
  } else if (target.inCluster) {
    kc.loadFromCluster();
  } else if (target.kubeconfig) {
    kc.loadFromFile(target.kubeconfig);
  } else {
    kc.loadFromDefault();
  }
  return kc;
}

export interface KubeClients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  custom: k8s.CustomObjectsApi;
  coordination: k8s.CoordinationV1Api;
  events: k8s.EventsV1Api;
}

export function kubeClients(kc: k8s.KubeConfig): KubeClients {
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    coordination: kc.makeApiClient(k8s.CoordinationV1Api),
    events: kc.makeApiClient(k8s.EventsV1Api),
  };
}

/** HTTP status of a client-node error, or undefined for non-API failures. */
export function apiStatus(err: unknown): number | undefined {
  if (err instanceof k8s.ApiException) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
