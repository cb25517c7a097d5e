// The one kube client factory: in-cluster, a kubeconfig file, or an explicit server URL
// (the embedded cluster, tests).
import * as k8s from '@kubernetes/client-node';
import { ApiThrottledError, ApiTimeoutError, retryAfterMs } from './api-deadline.ts';
import type { Logger } from './log.ts';

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

/**
 * How long a 429 asked to wait, ms: the time left of a request held back by lib/api-deadline.ts,
 * or the Retry-After of the server's answer; undefined for other errors.
 */
export function retryAfterOf(err: unknown): number | undefined {
  if (apiStatus(err) !== 429) return undefined;
  const held = (err as { retryAfterMs?: unknown }).retryAfterMs;
  if (typeof held === 'number') return held;
  const header = (err as { headers?: Record<string, string> }).headers?.['retry-after'];
  return retryAfterMs(header, Date.now());
}

/** Call options that abort the request when `signal` does (none when no signal is given). */
export function signalOptions(signal: AbortSignal | undefined): k8s.ConfigurationOptions | undefined {
  if (!signal) return undefined;
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(signal);
          return new k8s.Observable(Promise.resolve(ctx));
        },
        post: (rsp) => new k8s.Observable(Promise.resolve(rsp)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/**
 * Logs a failed API call of a loop's background work: at debug when lib/api-deadline.ts already
 * logged it (deadline expired, or held back by a 429), else at warn with the error.
 */
export function logWriteFailure(
  log: Logger,
  err: unknown,
  fields: Record<string, unknown>,
  msg: string,
): void {
  const cause = (err as { cause?: unknown }).cause ?? err;
  if (
    err instanceof ApiTimeoutError ||
    err instanceof ApiThrottledError ||
    cause instanceof ApiTimeoutError ||
    cause instanceof ApiThrottledError
  ) {
    log.debug({ ...fields, err }, msg);
  } else {
    log.warn({ ...fields, err }, msg);
  }
}
