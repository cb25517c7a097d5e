// A scheduler for unbound pods: filters nodes that are ready, schedulable and have room for the
// pod's requests, then binds to the one with the most free CPU (least allocated).
import type { Logger } from '../../../lib/log.ts';
import type { KObject } from '../object-types.ts';
import type { ObjectApi } from '../objects.ts';
import { bindToNode, getCondition, podRequests, setCondition } from '../pods.ts';
import type { ResourceType } from '../registry.ts';
import type { StoreEvent } from '../store.ts';
import { isTerminal, nodeAllocatable, usedOnNode } from './node-accounting.ts';
import { nsName, splitKey } from './queue.ts';
import { StoreController } from './store-controller.ts';

function nodeReady(node: KObject): boolean {
  if (node.spec?.unschedulable) return false;
  const ready = getCondition(node, 'Ready');
  return !ready || ready.status === 'True';
}

export class Scheduler {
  private readonly api: ObjectApi;
  private readonly log: Logger;
  private readonly controller: StoreController;
  private readonly pods: ResourceType;
  private readonly nodes: ResourceType;

  constructor(api: ObjectApi, log: Logger) {
    this.api = api;
    this.log = log;
    this.controller = new StoreController(api.store, log, {
      observe: (ev) => this.observe(ev),
      reconcile: (key) => this.schedule(key),
    });
    this.pods = api.registry.byPlural('', 'pods');
    this.nodes = api.registry.byPlural('', 'nodes');
  }

  start(): void {
    this.controller.start();
  }

  stop(): void {
    this.controller.stop();
  }

  private observe(ev: StoreEvent): void {
    if (ev.resource === '/pods' && ev.type !== 'DELETED' && !ev.object.spec?.nodeName) {
      this.controller.queue.add(nsName(ev.object.metadata.namespace, ev.object.metadata.name!));
    } else if (ev.resource === '/nodes' || (ev.resource === '/pods' && ev.type === 'DELETED')) {
      for (const p of this.api.store.scan('/pods')) {
        if (!p.spec?.nodeName && !p.metadata.deletionTimestamp)
          this.controller.queue.add(nsName(p.metadata.namespace, p.metadata.name!));
      }
    }
  }

  private schedule(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = this.api.tryGet(this.pods, namespace, name);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp || isTerminal(pod)) return;
    if (pod.spec.schedulerName && pod.spec.schedulerName !== 'default-scheduler') return;
    const need = podRequests(pod.spec);
    const byNode = new Map<string, KObject[]>();
    for (const p of this.api.store.scan('/pods')) {
      if (!p.spec?.nodeName) continue;
      const list = byNode.get(p.spec.nodeName) ?? [];
      list.push(p as KObject);
      byNode.set(p.spec.nodeName, list);
    }
    const nodes = this.api.list(this.nodes, { labels: [], fields: [] });
    let best: { node: KObject; freeCpuMilli: number } | undefined;
    const reasons = new Map<string, number>();
    const count = (reason: string) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    for (const node of nodes) {
      if (!nodeReady(node)) {
        count('node(s) were unschedulable');
        continue;
      }
      const selector = pod.spec.nodeSelector ?? {};
      if (!Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v)) {
        count("node(s) didn't match Pod's node affinity/selector");
        continue;
      }
      const alloc = nodeAllocatable(node);
      const used = usedOnNode(byNode.get(node.metadata.name!) ?? []);
      const freeCpuMilli = alloc.cpuMilli - used.cpuMilli;
      const freeMemoryBytes = alloc.memoryBytes - used.memoryBytes;
      if (need.cpuMilli > freeCpuMilli) count('Insufficient cpu');
      if (need.memoryBytes > freeMemoryBytes) count('Insufficient memory');
      if (need.cpuMilli > freeCpuMilli || need.memoryBytes > freeMemoryBytes) continue;
      if (!best || freeCpuMilli > best.freeCpuMilli) best = { node, freeCpuMilli };
    }
    if (!best) {
      const detail = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ');
      const message = `0/${nodes.length} nodes are available${detail ? `: ${detail}` : ''}.`;
      if (getCondition(pod, 'PodScheduled')?.message !== message) {
        setCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
        this.api.update(this.pods, pod, 'status');
        this.log.info(
          { pod: name, namespace, cpuMilli: need.cpuMilli, memoryBytes: need.memoryBytes, message },
          'pod unschedulable',
        );
      }
      return;
    }
    bindToNode(pod, best.node.metadata.name!);
    this.api.store.put('/pods', pod);
    this.log.debug(
      { pod: name, namespace, node: best.node.metadata.name, freeCpuMilli: best.freeCpuMilli },
      'pod bound',
    );
  }
}
