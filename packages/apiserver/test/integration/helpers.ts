// Shared test helpers: start an embedded API server, typed clients, polling with a timeout.
import * as k8s from '@kubernetes/client-node';
import { kubeClients } from '../../../../lib/kube.ts';
import { type ApiServer, type ApiServerOptions, startApiServer } from '../../index.ts';

export { waitForTruthy as waitFor } from '../../../../test/support/wait-for.ts';

export interface Cluster {
  server: ApiServer;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  custom: k8s.CustomObjectsApi;
  coordination: k8s.CoordinationV1Api;
}

export async function startCluster(options: ApiServerOptions = {}): Promise<Cluster> {
  const server = await startApiServer({ podStartDelayMs: 20, resizeDelayMs: 20, ...options });
  const kc = server.kubeConfig();
  const c = kubeClients(kc);
  return { server, kc, core: c.core, apps: c.apps, custom: c.custom, coordination: c.coordination };
}

/** The ApiException of a rejected call. */
export async function rejection(p: Promise<unknown>): Promise<k8s.ApiException<unknown>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof k8s.ApiException) return err;
    throw err;
  }
  throw new Error('expected the call to be rejected');
}

/** The Status body of an ApiException (client-node keeps it as a string or object). */
export function statusOf(err: k8s.ApiException<unknown>): {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { field: string; message: string; reason: string }[] };
} {
  const body = err.body as unknown;
  return typeof body === 'string' ? JSON.parse(body) : (body as never);
}

export function pod(
  name: string,
  resources: { cpu?: string; memory?: string; limits?: { cpu?: string; memory?: string } } = {},
): k8s.V1Pod {
  const requests: Record<string, string> = {};
  if (resources.cpu) requests['cpu'] = resources.cpu;
  if (resources.memory) requests['memory'] = resources.memory;
  return {
    metadata: { name, labels: { app: 'web' } },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          resources: { requests, ...(resources.limits ? { limits: resources.limits } : {}) },
        },
      ],
    },
  };
}
