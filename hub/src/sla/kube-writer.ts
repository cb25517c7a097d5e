// Every write the SLA controller makes — PodScale create/delete/desired, SLA status, Events —
// through the shared rate limiter; not-found and already-exists are outcomes, not errors.
import * as k8s from '@kubernetes/client-node';
import {
  GROUP,
  PODSCALE_PLURAL,
  type PodScale,
  type PodScaleSpec,
  type ServiceLevelAgreementStatus,
  SLA_PLURAL,
  VERSION,
} from '../../../lib/api/types.ts';
import { apiStatus } from '../../../lib/kube.ts';
import type { TokenBucket } from '../../../lib/rate-limit.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

export interface SlaWriter {
  createPodScale(ps: PodScale): Promise<'created' | 'exists'>;
  deletePodScale(namespace: string, name: string): Promise<'deleted' | 'gone'>;
  /** Merge-patches part of a PodScale's spec (desired, nodeName). */
  patchPodScaleSpec(
    namespace: string,
    name: string,
    spec: Partial<PodScaleSpec>,
  ): Promise<'patched' | 'gone'>;
  patchSlaStatus(
    namespace: string,
    name: string,
    status: ServiceLevelAgreementStatus,
  ): Promise<'patched' | 'gone'>;
  event(regarding: ObjectRef, type: 'Normal' | 'Warning', reason: string, note: string): Promise<void>;
}

/** Called after every write attempt, for the API-write counter. */
export type WriteObserver = (resource: string, verb: string, result: string) => void;

const mergePatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export function kubeSlaWriter(
  kc: k8s.KubeConfig,
  limiter: TokenBucket,
  reporter: string,
  observe?: WriteObserver,
): SlaWriter {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const events = kc.makeApiClient(k8s.EventsV1Api);
  const crd = (namespace: string, plural: string) => ({ group: GROUP, version: VERSION, namespace, plural });
  async function write<T>(
    resource: string,
    verb: string,
    fn: () => Promise<T>,
    expected: Record<number, T>,
  ): Promise<T> {
    await limiter.take();
    try {
      const r = await fn();
      observe?.(resource, verb, 'ok');
      return r;
    } catch (err) {
      const code = apiStatus(err);
      if (code !== undefined && code in expected) {
        observe?.(resource, verb, String(code));
        return expected[code]!;
      }
      observe?.(resource, verb, code === 429 ? 'throttled' : 'error');
      throw new Error(`${verb} ${resource} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return {
    createPodScale: (ps) =>
      write(
        'podscales',
        'create',
        async () => {
          await custom.createNamespacedCustomObject({
            ...crd(ps.metadata.namespace!, PODSCALE_PLURAL),
            body: ps,
          });
          return 'created' as const;
        },
        { 409: 'exists' as const },
      ),
    deletePodScale: (namespace, name) =>
      write(
        'podscales',
        'delete',
        async () => {
          await custom.deleteNamespacedCustomObject({ ...crd(namespace, PODSCALE_PLURAL), name });
          return 'deleted' as const;
        },
        { 404: 'gone' as const },
      ),
    patchPodScaleSpec: (namespace, name, spec) =>
      write(
        'podscales',
        'patch',
        async () => {
          const body = { spec };
          await custom.patchNamespacedCustomObject(
            { ...crd(namespace, PODSCALE_PLURAL), name, body },
            mergePatch(),
          );
          return 'patched' as const;
        },
        { 404: 'gone' as const },
      ),
    patchSlaStatus: (namespace, name, status) =>
      write(
        'servicelevelagreements/status',
        'patch',
        async () => {
          const body = { status };
          await custom.patchNamespacedCustomObjectStatus(
            { ...crd(namespace, SLA_PLURAL), name, body },
            mergePatch(),
          );
          return 'patched' as const;
        },
        { 404: 'gone' as const },
      ),
    event: async (regarding, type, reason, note) => {
      await write(
        'events',
        'create',
        async () => {
          await events.createNamespacedEvent({
            namespace: regarding.namespace,
            body: {
              metadata: { generateName: `${regarding.name}.`, namespace: regarding.namespace },
              eventTime: new k8s.V1MicroTime(),
              reportingController: 'autoscaling.kosmos.dev/hub',
              reportingInstance: reporter,
              action: 'Track',
              type,
              reason,
              note: note.slice(0, 1024),
              regarding,
            },
          });
        },
        {},
      );
    },
  };
}
