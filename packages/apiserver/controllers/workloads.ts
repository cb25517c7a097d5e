// Minimal workload controllers: Deployment → ReplicaSet (one per pod-template hash) →
// Pods, and StatefulSet → ordinal Pods; each keeps its status counts up to date.
import { createHash } from 'node:crypto';
import { fromLabelSelector, matchesLabels } from '../../../lib/label-selector.ts';
import type { Logger } from '../../../lib/log.ts';
import { clone, type Json, type KObject, nowTimestamp } from '../object-types.ts';
import type { ObjectApi } from '../objects.ts';
import { getCondition } from '../pods.ts';
import { apiVersionOf, type ResourceType, storageKey } from '../registry.ts';
import type { StoreEvent } from '../store.ts';
import { nsName, splitKey } from './queue.ts';
import { StoreController } from './store-controller.ts';

const HASH_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export function templateHash(template: Json): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += HASH_CHARS[digest[i]! % HASH_CHARS.length];
  return out;
}

function ownerRef(t: ResourceType, owner: KObject) {
  return {
    apiVersion: apiVersionOf(t),
    kind: t.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function controllerUid(o: KObject): string | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}

function isPodReady(pod: KObject): boolean {
  return getCondition(pod, 'Ready')?.status === 'True';
}

function isActive(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export class WorkloadController {
  private readonly api: ObjectApi;
  private readonly log: Logger;
  private readonly controller: StoreController;
  private readonly t: { pods: ResourceType; rs: ResourceType; deploy: ResourceType; sts: ResourceType };

  constructor(api: ObjectApi, log: Logger) {
    this.api = api;
    this.log = log;
    this.controller = new StoreController(api.store, log, {
      observe: (ev) => this.observe(ev),
      reconcile: (key) => this.reconcile(key),
    });
    this.t = {
      pods: api.registry.byPlural('', 'pods'),
      rs: api.registry.byPlural('apps', 'replicasets'),
      deploy: api.registry.byPlural('apps', 'deployments'),
      sts: api.registry.byPlural('apps', 'statefulsets'),
    };
  }

  start(): void {
    this.controller.start();
  }

  stop(): void {
    this.controller.stop();
  }

  private observe(ev: StoreEvent): void {
    const o = ev.object;
    const key = (kind: string, name: string) => `${kind}|${nsName(o.metadata.namespace, name)}`;
    switch (ev.resource) {
      case 'apps/deployments':
        if (ev.type !== 'DELETED') this.controller.queue.add(key('deploy', o.metadata.name!));
        return;
      case 'apps/statefulsets':
        if (ev.type !== 'DELETED') this.controller.queue.add(key('sts', o.metadata.name!));
        return;
      case 'apps/replicasets':
      case '/pods': {
        if (ev.resource === 'apps/replicasets' && ev.type !== 'DELETED')
          this.controller.queue.add(key('rs', o.metadata.name!));
        const owner = o.metadata.ownerReferences?.find((r) => r.controller);
        if (owner?.kind === 'ReplicaSet') this.controller.queue.add(key('rs', owner.name));
        if (owner?.kind === 'Deployment') this.controller.queue.add(key('deploy', owner.name));
        if (owner?.kind === 'StatefulSet') this.controller.queue.add(key('sts', owner.name));
      }
    }
  }

  private reconcile(key: string): void {
    const [kind, rest] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
    const [namespace, name] = splitKey(rest);
    if (kind === 'deploy') this.reconcileDeployment(namespace, name);
    else if (kind === 'rs') this.reconcileReplicaSet(namespace, name);
    else if (kind === 'sts') this.reconcileStatefulSet(namespace, name);
  }

  private owned(t: ResourceType, namespace: string, owner: KObject): KObject[] {
    const out: KObject[] = [];
    for (const o of this.api.store.scan(storageKey(t), namespace)) {
      if (controllerUid(o as KObject) === owner.metadata.uid) out.push(clone(o as KObject));
    }
    return out;
  }

  private writeStatus(t: ResourceType, obj: KObject, status: Json): void {
    const next = clone(obj);
    next.status = { ...obj.status, ...status };
    this.api.update(t, next, 'status');
  }

  private reconcileDeployment(namespace: string, name: string): void {
    const d = this.api.tryGet(this.t.deploy, namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const hash = templateHash(d.spec.template);
    const rsName = `${name}-${hash}`;
    const sets = this.owned(this.t.rs, namespace, d);
    let current = sets.find((rs) => rs.metadata.name === rsName);
    if (!current) {
      const template = clone(d.spec.template);
      template.metadata ??= {};
      template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
      const selector = clone(d.spec.selector);
      selector.matchLabels = { ...selector.matchLabels, 'pod-template-hash': hash };
      current = this.api.create(this.t.rs, {
        metadata: {
          name: rsName,
          namespace,
          labels: template.metadata.labels,
          annotations: { 'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas) },
          ownerReferences: [ownerRef(this.t.deploy, d)],
        },
        spec: { replicas: d.spec.replicas, selector, template },
      });
      this.log.info({ deployment: name, namespace, replicaSet: rsName }, 'created replica set');
    } else if (current.spec.replicas !== d.spec.replicas) {
      current.spec.replicas = d.spec.replicas;
      current = this.api.update(this.t.rs, current);
    }
    for (const old of sets) {
      if (old.metadata.name !== rsName && old.spec.replicas !== 0) {
        old.spec.replicas = 0;
        this.api.update(this.t.rs, old);
      }
    }
    const all = this.owned(this.t.rs, namespace, d);
    const sum = (f: (s: Json) => number) => all.reduce((n, rs) => n + (f(rs.status ?? {}) ?? 0), 0);
    const replicas = sum((s) => s.replicas ?? 0);
    const ready = sum((s) => s.readyReplicas ?? 0);
    const updated = current.status?.replicas ?? 0;
    const available = ready >= (d.spec.replicas ?? 0);
    this.writeStatus(this.t.deploy, d, {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: Math.max(0, (d.spec.replicas ?? 0) - ready),
      conditions: [
        this.condition(
          d,
          'Available',
          available,
          available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        ),
        this.condition(d, 'Progressing', true, 'NewReplicaSetAvailable'),
      ],
    });
  }

  private condition(obj: KObject, type: string, ok: boolean, reason: string): Json {
    const prev = (obj.status?.conditions ?? []).find((c: Json) => c.type === type);
    const status = ok ? 'True' : 'False';
    const now = nowTimestamp();
    return {
      type,
      status,
      reason,
      lastUpdateTime: prev?.status === status ? prev.lastUpdateTime : now,
      lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now,
    };
  }

  private reconcileReplicaSet(namespace: string, name: string): void {
    const rs = this.api.tryGet(this.t.rs, namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const selector = fromLabelSelector(rs.spec.selector ?? {});
    const pods = this.owned(this.t.pods, namespace, rs).filter(
      (p) => isActive(p) && matchesLabels(selector, p.metadata.labels),
    );
    const want = rs.spec.replicas ?? 0;
    for (let i = pods.length; i < want; i++) {
      const template = clone(rs.spec.template ?? {});
      this.api.create(this.t.pods, {
        metadata: {
          ...template.metadata,
          generateName: `${name}-`,
          namespace,
          ownerReferences: [ownerRef(this.t.rs, rs)],
        },
        spec: template.spec,
      });
    }
    if (pods.length > want) {
      const rank = (p: KObject) =>
        (p.spec.nodeName ? 1 : 0) + (p.status?.phase === 'Running' ? 2 : 0) + (isPodReady(p) ? 4 : 0);
      const victims = [...pods]
        .sort(
          (a, b) =>
            rank(a) - rank(b) ||
            (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
        )
        .slice(0, pods.length - want);
      for (const p of victims) this.api.delete(this.t.pods, namespace, p.metadata.name!);
    }
    const live = this.owned(this.t.pods, namespace, rs).filter(isActive);
    const ready = live.filter(isPodReady).length;
    this.writeStatus(this.t.rs, rs, {
      replicas: live.length,
      fullyLabeledReplicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    });
  }

  private reconcileStatefulSet(namespace: string, name: string): void {
    const sts = this.api.tryGet(this.t.sts, namespace, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const want = sts.spec.replicas ?? 0;
    const revision = `${name}-${templateHash(sts.spec.template)}`;
    const ordered = sts.spec.podManagementPolicy !== 'Parallel';
    const pods = this.owned(this.t.pods, namespace, sts).filter(isActive);
    const byOrdinal = new Map(pods.map((p) => [Number(p.metadata.name!.slice(name.length + 1)), p]));
    for (let i = 0; i < want; i++) {
      if (byOrdinal.has(i)) {
        if (ordered && !isPodReady(byOrdinal.get(i)!)) break;
        continue;
      }
      const template = clone(sts.spec.template ?? {});
      const podName = `${name}-${i}`;
      if (this.api.tryGet(this.t.pods, namespace, podName)) break;
      this.api.create(this.t.pods, {
        metadata: {
          ...template.metadata,
          name: podName,
          namespace,
          labels: {
            ...template.metadata?.labels,
            'statefulset.kubernetes.io/pod-name': podName,
            'apps.kubernetes.io/pod-index': String(i),
            'controller-revision-hash': revision,
          },
          ownerReferences: [ownerRef(this.t.sts, sts)],
        },
        spec: { ...template.spec, hostname: podName, subdomain: sts.spec.serviceName },
      });
      if (ordered) break;
    }
    const extra = [...byOrdinal.entries()].filter(([i]) => i >= want).sort(([a], [b]) => b - a);
    for (const [, p] of ordered ? extra.slice(0, 1) : extra)
      this.api.delete(this.t.pods, namespace, p.metadata.name!);
    const live = this.owned(this.t.pods, namespace, sts).filter(isActive);
    const ready = live.filter(isPodReady).length;
    this.writeStatus(this.t.sts, sts, {
      observedGeneration: sts.metadata.generation,
      replicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: live.length,
      updatedReplicas: live.length,
      currentRevision: revision,
      updateRevision: revision,
    });
  }
}
