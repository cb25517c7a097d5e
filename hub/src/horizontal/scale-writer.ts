// Reads and writes a target's replica count only through its `scale` subresource (Deployment,
// StatefulSet, ReplicaSet, or any custom resource that serves /scale), and writes only on change.
import * as k8s from '@kubernetes/client-node';
import { apiStatus } from '../../../lib/kube.ts';
import type { TokenBucket } from '../../../lib/rate-limit.ts';

export interface TargetRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export interface ScaleView {
  /** spec.replicas: what was last asked for. */
  specReplicas: number;
  /** status.replicas: what exists. */
  statusReplicas: number;
  /** status.selector in string form ("app=web"). */
  selector: string;
}

export interface ScaleClient {
  read(namespace: string, target: TargetRef): Promise<ScaleView>;
  write(namespace: string, target: TargetRef, replicas: number): Promise<void>;
}

export type WriteResult = 'written' | 'unchanged';

/** Plural of a custom kind by the Kubernetes convention (lowercase + s); CRDs with irregular plurals need apps/v1 kinds or this rule. */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return `${k}es`;
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

function toView(scale: k8s.V1Scale): ScaleView {
  return {
    specReplicas: scale.spec?.replicas ?? 0,
    statusReplicas: scale.status?.replicas ?? 0,
    selector: scale.status?.selector ?? '',
  };
}

const mergePatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export function kubeScaleClient(kc: k8s.KubeConfig): ScaleClient {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const appsKind = (t: TargetRef) => (t.apiVersion === 'apps/v1' ? t.kind : undefined);
  return {
    async read(namespace, t) {
      const name = t.name;
      switch (appsKind(t)) {
        case 'Deployment':
          return toView(await apps.readNamespacedDeploymentScale({ name, namespace }));
        case 'StatefulSet':
          return toView(await apps.readNamespacedStatefulSetScale({ name, namespace }));
        case 'ReplicaSet':
          return toView(await apps.readNamespacedReplicaSetScale({ name, namespace }));
        default: {
          const [group = '', version = ''] = t.apiVersion.includes('/')
            ? t.apiVersion.split('/')
            : ['', t.apiVersion];
          const scale = await custom.getNamespacedCustomObjectScale({
            group,
            version,
            namespace,
            plural: pluralOf(t.kind),
            name,
          });
          return toView(scale as k8s.V1Scale);
        }
      }
    },
    async write(namespace, t, replicas) {
      const name = t.name;
      const body = { spec: { replicas } };
      switch (appsKind(t)) {
        case 'Deployment':
          await apps.patchNamespacedDeploymentScale({ name, namespace, body }, mergePatch());
          return;
        case 'StatefulSet':
          await apps.patchNamespacedStatefulSetScale({ name, namespace, body }, mergePatch());
          return;
        case 'ReplicaSet':
          await apps.patchNamespacedReplicaSetScale({ name, namespace, body }, mergePatch());
          return;
        default: {
          const [group = '', version = ''] = t.apiVersion.includes('/')
            ? t.apiVersion.split('/')
            : ['', t.apiVersion];
          await custom.patchNamespacedCustomObjectScale(
            { group, version, namespace, plural: pluralOf(t.kind), name, body },
            mergePatch(),
          );
        }
      }
    },
  };
}

/** Called after every write attempt (resource `deployments/scale`, verb, result), for the API-write counter. */
export type ScaleWriteObserver = (resource: string, verb: string, result: string) => void;

/** Writes replicas through /scale when they differ from spec.replicas, after taking a write token. */
export class ScaleWriter {
  readonly #client: ScaleClient;
  readonly #limiter: TokenBucket;
  readonly #observe: ScaleWriteObserver | undefined;

  constructor(client: ScaleClient, limiter: TokenBucket, observe?: ScaleWriteObserver) {
    this.#client = client;
    this.#limiter = limiter;
    this.#observe = observe;
  }

  async scale(
    namespace: string,
    target: TargetRef,
    currentSpecReplicas: number,
    replicas: number,
  ): Promise<WriteResult> {
    if (replicas === currentSpecReplicas) return 'unchanged';
    await this.#limiter.take();
    const resource = `${pluralOf(target.kind)}/scale`;
    try {
      await this.#client.write(namespace, target, replicas);
    } catch (err) {
      this.#observe?.(resource, 'patch', apiStatus(err) === 429 ? 'throttled' : 'error');
      throw err;
    }
    this.#observe?.(resource, 'patch', 'ok');
    return 'written';
  }
}
