// One HTTP dispatcher per cluster configuration instead of one per request. client-node 2.x builds
// a new undici Agent for every request sent with TLS options (KubeConfig's private
// createDispatcher), so every call opened a new connection — a TLS handshake on a real cluster —
// and left the last one idle: most of the CPU a PATCH cost.
import type * as https from 'node:https';
import type * as k8s from '@kubernetes/client-node';

type DispatcherFactory = (cluster: k8s.Cluster | null, agentOptions: https.AgentOptions) => unknown;

/** The options' identity: certificates and keys compared by content, not by Buffer identity. */
function keyOf(options: unknown): string {
  return JSON.stringify(options, function (this: Record<string, unknown>, name: string, value: unknown) {
    const raw = this[name];
    return Buffer.isBuffer(raw) ? raw.toString('base64') : value;
  });
}

/**
 * Makes `kc` hand every request the dispatcher built for the same options (cluster, CA, client
 * certificate, TLS settings); a change of options (a rotated certificate) builds a new one, and
 * the previous one's idle connections close at undici's keep-alive timeout. Returns `kc`.
 */
export function reuseDispatchers<T extends k8s.KubeConfig>(kc: T): T {
  const build = (kc as unknown as { createDispatcher?: DispatcherFactory }).createDispatcher;
  // a client-node without the per-request factory leaves nothing to share
  if (typeof build !== 'function') return kc;
  let current: { key: string; dispatcher: unknown } | undefined;
  const shared: DispatcherFactory = (cluster, agentOptions) => {
    const key = keyOf(kc.createDispatcherOptions(cluster, agentOptions));
    if (current?.key !== key) current = { key, dispatcher: build.call(kc, cluster, agentOptions) };
    return current.dispatcher;
  };
  Object.defineProperty(kc, 'createDispatcher', { value: shared, configurable: true });
  return kc;
}
