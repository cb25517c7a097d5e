// What is on this node: pods (informer, field selector spec.nodeName), PodScales naming them,
// the Node's allocatable and the SLAs (cached) whose scrape config reaches the scraper.
import * as k8s from '@kubernetes/client-node';
import { AGENT_PODSCALE_FIELDS, type AgentPodScale } from '../../../lib/api/cached-objects.ts';
import {
  GROUP,
  PODSCALE_PLURAL,
  type ServiceLevelAgreement,
  SLA_PLURAL,
  VERSION,
} from '../../../lib/api/types.ts';
import { CACHED_POD_FIELDS, type CachedPod } from '../../../lib/cached-pod.ts';
import { type Informer, startInformer } from '../../../lib/informer.ts';
import { KeyedWork, settleWithin } from '../../../lib/keyed-work.ts';
import { apiStatus } from '../../../lib/kube.ts';
import type { Logger } from '../../../lib/log.ts';
import type { Allocation } from './pod-resources.ts';
import { resourcesOf } from './pod-resources.ts';

export interface PodSnapshot {
  pods: readonly CachedPod[];
  /** PodScales whose pod is on this node. */
  podScales: readonly AgentPodScale[];
  /** The Node's allocatable; undefined until the Node was read. */
  allocatable: Allocation | undefined;
  sla(namespace: string, name: string): ServiceLevelAgreement | undefined;
}

export interface PodSource {
  start(): Promise<void>;
  stop(): Promise<void>;
  synced(): boolean;
  snapshot(): Promise<PodSnapshot>;
}

export interface KubePodSourceOptions {
  kc: k8s.KubeConfig;
  nodeName: string;
  log: Logger;
  /**
   * Filter PodScales server-side with `spec.nodeName=<node>` (the CRD's selectableFields); default
   * false here, while the agent's --podscale-node-field-selector flag defaults to true.
   */
  podScaleNodeFieldSelector?: boolean;
  slaTtlMs?: number;
  nodeRefreshMs?: number;
  /** How long a snapshot waits for the first read of an SLA (default 250 ms); later reads never hold it. */
  refreshWaitMs?: number;
  now?: () => number;
}

interface CachedSla {
  sla: ServiceLevelAgreement | undefined;
  fetchedAt: number;
}

export class KubePodSource implements PodSource {
  readonly #o: KubePodSourceOptions;
  readonly #core: k8s.CoreV1Api;
  readonly #custom: k8s.CustomObjectsApi;
  #pods: Informer<CachedPod> | undefined;
  #podScales: Informer<AgentPodScale> | undefined;
  readonly #slas = new Map<string, CachedSla>();
  readonly #now: () => number;
  #allocatable: Allocation | undefined;
  #nodeReadAt = -Infinity;
  readonly #work: KeyedWork;

  constructor(options: KubePodSourceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#work = new KeyedWork({ limit: 4, log: options.log });
    this.#core = options.kc.makeApiClient(k8s.CoreV1Api);
    this.#custom = options.kc.makeApiClient(k8s.CustomObjectsApi);
  }

  /** Starts the informers; resolves once they listed (or after syncTimeoutMs, still syncing). */
  async start(syncTimeoutMs = 30_000): Promise<void> {
    const { kc, log, nodeName } = this.#o;
    const fieldSelector = `spec.nodeName=${nodeName}`;
    this.#pods = startInformer<CachedPod>({
      kc,
      path: '/api/v1/pods',
      fieldSelector,
      listFn: () => this.#core.listPodForAllNamespaces({ fieldSelector }),
      retain: CACHED_POD_FIELDS,
      log,
    });
    // The PodScale CRD declares spec.nodeName selectable, so the watch carries only this node's
    // PodScales; with the option off every PodScale of the cluster is watched and filtered here.
    const psSelector = this.#o.podScaleNodeFieldSelector ? fieldSelector : undefined;
    // Cached with only the fields the agent reads, its status whole (lib/api/cached-objects.ts).
    this.#podScales = startInformer<AgentPodScale>({
      kc,
      path: `/apis/${GROUP}/${VERSION}/${PODSCALE_PLURAL}`,
      ...(psSelector ? { fieldSelector: psSelector } : {}),
      listFn: () =>
        this.#custom.listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PODSCALE_PLURAL,
          ...(psSelector ? { fieldSelector: psSelector } : {}),
        }) as Promise<k8s.KubernetesListObject<AgentPodScale>>,
      retain: AGENT_PODSCALE_FIELDS,
      log,
    });
    await this.#refreshNode();
    await Promise.all([
      this.#pods.waitForSync(syncTimeoutMs),
      this.#podScales.waitForSync(syncTimeoutMs),
    ]).catch((err) => log.warn({ err }, 'informers not synced yet; the agent stays unready until they are'));
  }

  async stop(): Promise<void> {
    await Promise.all([this.#pods?.stop(), this.#podScales?.stop()]);
  }

  synced(): boolean {
    return (
      (this.#pods?.synced() ?? false) &&
      (this.#podScales?.synced() ?? false) &&
      this.#allocatable !== undefined
    );
  }

  /**
   * What the informers hold now. The Node and SLAs are re-read in the background, each with its own
   * deadline: a tick never waits on them, except (briefly, refreshWaitMs) for an SLA never read yet.
   */
  async snapshot(): Promise<PodSnapshot> {
    if (this.#now() - this.#nodeReadAt >= (this.#o.nodeRefreshMs ?? 30_000)) {
      this.#work.submit('node', () => this.#refreshNode());
    }
    const pods = this.#pods?.list() ?? [];
    const uids = new Set(pods.map((p) => p.metadata?.uid));
    // Without a server-side selector every PodScale of the cluster is cached; keep this node's.
    const podScales = (this.#podScales?.list() ?? []).filter((ps) => uids.has(ps.spec?.podRef?.uid));
    const wanted = new Set<string>();
    for (const ps of podScales) {
      if (ps.spec?.slaRef?.name) wanted.add(`${ps.metadata.namespace ?? 'default'}/${ps.spec.slaRef.name}`);
    }
    const firstReads: Array<Promise<void> | undefined> = [];
    const ttlMs = this.#o.slaTtlMs ?? 60_000;
    for (const key of wanted) {
      const cached = this.#slas.get(key);
      if (cached && this.#now() - cached.fetchedAt < ttlMs) continue;
      const read = this.#work.submit(`sla/${key}`, () => this.#refreshSla(key));
      if (!cached) firstReads.push(read);
    }
    await settleWithin(firstReads, this.#o.refreshWaitMs ?? 250);
    return {
      pods,
      podScales,
      allocatable: this.#allocatable,
      sla: (namespace, name) => this.#slas.get(`${namespace}/${name}`)?.sla,
    };
  }

  async #refreshNode(): Promise<void> {
    this.#nodeReadAt = this.#now();
    try {
      const node = await this.#core.readNode({ name: this.#o.nodeName });
      const r = resourcesOf({ requests: node.status?.allocatable ?? node.status?.capacity });
      this.#allocatable = { cpuMilli: r.cpuRequestMilli ?? 0, memoryBytes: r.memoryRequestBytes ?? 0 };
    } catch (err) {
      this.#o.log.warn(
        { err, node: this.#o.nodeName },
        'reading the Node failed; keeping the last allocatable',
      );
    }
  }

  async #refreshSla(key: string): Promise<void> {
    const [namespace = 'default', name = ''] = key.split('/');
    try {
      const sla = (await this.#custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: SLA_PLURAL,
        name,
      })) as ServiceLevelAgreement;
      this.#slas.set(key, { sla, fetchedAt: this.#now() });
    } catch (err) {
      if (apiStatus(err) === 404) {
        this.#slas.set(key, { sla: undefined, fetchedAt: this.#now() });
        return;
      }
      // Keep the previous SLA (if any) and try again on the next tick.
      this.#o.log.warn({ err, sla: key }, 'reading the SLA failed; keeping the cached one');
    }
  }
}
