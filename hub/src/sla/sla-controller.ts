// Reconciles one ServiceLevelAgreement against the informer caches: resolves its target through
// /scale to a pod selector, keeps exactly one PodScale per fit pod, reports what CEL can't catch.
import type { V1Pod } from '@kubernetes/client-node';
import type { PodScale, ServiceLevelAgreement } from '../../../lib/api/types.ts';
import type { Informer } from '../../../lib/informer.ts';
import { apiStatus } from '../../../lib/kube.ts';
import type { Logger } from '../../../lib/log.ts';
import type { ScaleClient, ScaleView } from '../horizontal/scale-writer.ts';
import type { ObjectRef, SlaWriter } from './kube-writer.ts';
import { matches, parseSelector, SelectorError } from './label-selector.ts';
import { planPodScales, SLA_LABEL, type TrackedPod, type UnfitPod } from './podscale-plan.ts';

export interface SlaReconcileResult {
  key: string;
  invalid?: { reason: string; message: string };
  scale?: ScaleView;
  tracked: TrackedPod[];
  unfit: UnfitPod[];
  /** PodScales of tracked pods, by pod name (what the API server holds now). */
  podScales: Map<string, PodScale>;
}

export interface SlaControllerDeps {
  pods: Informer<V1Pod>;
  podScales: Informer<PodScale>;
  scale: ScaleClient;
  writer: SlaWriter;
  log: Logger;
  now: () => number;
  /** Re-read the target's /scale at most this often (it is also re-read after the hub scales it). */
  targetRefreshMs?: number;
}

interface CachedTarget {
  view: ScaleView;
  readMs: number;
  targetJson: string;
}

export const slaKeyOf = (sla: ServiceLevelAgreement) => `${sla.metadata.namespace}/${sla.metadata.name}`;

export class SlaController {
  readonly #d: SlaControllerDeps;
  readonly #targets = new Map<string, CachedTarget>();
  /** Events already emitted ("slaKey/pod uid/reason"), so each problem is announced once. */
  readonly #announced = new Set<string>();

  constructor(deps: SlaControllerDeps) {
    this.#d = deps;
  }

  /** The hub changed the replicas: remember the new spec.replicas until the next read. */
  scaled(key: string, specReplicas: number): void {
    const t = this.#targets.get(key);
    if (t) t.view = { ...t.view, specReplicas };
  }

  forget(key: string): void {
    this.#targets.delete(key);
    for (const a of this.#announced) if (a.startsWith(`${key}/`)) this.#announced.delete(a);
  }

  /** Deletes PodScales whose SLA is gone (the garbage collector does too, when it runs). */
  async sweepOrphans(liveSlaKeys: Set<string>): Promise<void> {
    for (const ps of this.#d.podScales.list()) {
      const slaName = ps.metadata.labels?.[SLA_LABEL];
      const key = `${ps.metadata.namespace}/${slaName}`;
      if (!slaName || liveSlaKeys.has(key) || ps.metadata.deletionTimestamp) continue;
      const r = await this.#d.writer.deletePodScale(ps.metadata.namespace!, ps.metadata.name!);
      this.#d.log.info(
        { sla: key, podScale: ps.metadata.name, result: r },
        'PodScale deleted: its SLA is gone',
      );
    }
  }

  async reconcile(sla: ServiceLevelAgreement): Promise<SlaReconcileResult> {
    const key = slaKeyOf(sla);
    const namespace = sla.metadata.namespace!;
    const result: SlaReconcileResult = { key, tracked: [], unfit: [], podScales: new Map() };
    const target = await this.#target(key, sla);
    if ('invalid' in target) {
      result.invalid = target.invalid;
      await this.#announce(
        sla,
        `${key}/invalid/${target.invalid.reason}`,
        target.invalid.reason,
        target.invalid.message,
      );
      return result;
    }
    result.scale = target.view;
    let reqs: ReturnType<typeof parseSelector>;
    try {
      reqs = parseSelector(target.view.selector);
    } catch (err) {
      if (!(err instanceof SelectorError)) throw err;
      result.invalid = { reason: 'InvalidSelector', message: err.message };
      return result;
    }
    if (reqs.length === 0) {
      result.invalid = {
        reason: 'InvalidSelector',
        message: `${sla.spec.targetRef.kind} ${sla.spec.targetRef.name} has an empty selector`,
      };
      return result;
    }
    const pods = this.#d.pods
      .list()
      .filter((p) => p.metadata?.namespace === namespace && matches(reqs, p.metadata?.labels));
    const podScales = this.#d.podScales.list().filter((ps) => ps.metadata.namespace === namespace);
    const plan = planPodScales(sla, pods, podScales);
    if (pods.length === 0 && target.view.specReplicas > 0) {
      result.invalid = {
        reason: 'SelectorMatchesNothing',
        message: `selector "${target.view.selector}" of ${sla.spec.targetRef.kind} ${sla.spec.targetRef.name} matches no pod`,
      };
    }
    for (const ps of plan.create) {
      const r = await this.#d.writer.createPodScale(ps);
      this.#d.log.info(
        { sla: key, pod: ps.metadata.name, desired: ps.spec.desired, result: r },
        'PodScale created',
      );
    }
    for (const name of plan.delete) {
      const r = await this.#d.writer.deletePodScale(namespace, name);
      this.#d.log.info(
        { sla: key, podScale: name, result: r },
        'PodScale deleted: pod gone or no longer tracked',
      );
    }
    for (const u of plan.unfit) {
      await this.#announce(sla, `${key}/${u.uid}/${u.reason}`, u.reason, `pod ${u.pod}: ${u.message}`, {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace,
        name: u.pod,
        uid: u.uid,
      });
    }
    const byName = new Map(podScales.map((ps) => [ps.metadata.name!, ps]));
    for (const t of plan.tracked) {
      const ps = byName.get(t.name);
      if (!ps) continue;
      result.podScales.set(t.name, ps);
      // Scheduled after its PodScale was created: the node's agent finds its pods by spec.nodeName.
      if (t.nodeName && ps.spec.nodeName !== t.nodeName) {
        await this.#d.writer.patchPodScaleSpec(namespace, t.name, { nodeName: t.nodeName });
      }
    }
    result.tracked = plan.tracked;
    result.unfit = plan.unfit;
    return result;
  }

  async #target(
    key: string,
    sla: ServiceLevelAgreement,
  ): Promise<{ view: ScaleView } | { invalid: { reason: string; message: string } }> {
    const ref = sla.spec.targetRef;
    const targetJson = JSON.stringify(ref);
    const cached = this.#targets.get(key);
    const refreshMs = this.#d.targetRefreshMs ?? 10_000;
    if (cached && cached.targetJson === targetJson && this.#d.now() - cached.readMs < refreshMs)
      return { view: cached.view };
    try {
      const view = await this.#d.scale.read(sla.metadata.namespace!, ref);
      this.#targets.set(key, { view, readMs: this.#d.now(), targetJson });
      return { view };
    } catch (err) {
      this.#targets.delete(key);
      const code = apiStatus(err);
      const what = `${ref.kind} ${ref.name} (${ref.apiVersion})`;
      if (code === 404)
        return {
          invalid: { reason: 'TargetNotFound', message: `${what} not found, or it has no scale subresource` },
        };
      if (code === 405 || code === 400)
        return { invalid: { reason: 'TargetNotScalable', message: `${what} has no scale subresource` } };
      throw err;
    }
  }

  async #announce(
    sla: ServiceLevelAgreement,
    id: string,
    reason: string,
    message: string,
    regarding: ObjectRef = {
      apiVersion: sla.apiVersion,
      kind: sla.kind,
      namespace: sla.metadata.namespace!,
      name: sla.metadata.name!,
      uid: sla.metadata.uid,
    },
  ): Promise<void> {
    if (this.#announced.has(id)) return;
    this.#announced.add(id);
    this.#d.log.warn({ sla: slaKeyOf(sla), reason, regarding: regarding.name }, message);
    await this.#d.writer.event(regarding, 'Warning', reason, message);
  }
}
