// Reconciles one ServiceLevelAgreement against the informer caches: resolves its target through
// /scale to a pod selector, keeps exactly one PodScale per fit pod, reports what CEL can't catch.
import type { CachedPodScale, CachedSla } from '../../../lib/api/cached-objects.ts';
import type { CachedPod } from '../../../lib/cached-pod.ts';
import type { Informer } from '../../../lib/informer.ts';
import type { KeyedWork } from '../../../lib/keyed-work.ts';
import { apiStatus, logWriteFailure } from '../../../lib/kube.ts';
import {
  type LabelRequirement,
  matchesLabels,
  parseLabelSelector,
  SelectorError,
} from '../../../lib/label-selector.ts';
import type { Logger } from '../../../lib/log.ts';
import type { ScaleClient, ScaleView } from '../horizontal/scale-writer.ts';
import type { ObjectRef, SlaWriter } from './kube-writer.ts';
import { planPodScales, SLA_LABEL, type TrackedPod, type UnfitPod } from './podscale-plan.ts';

export interface SlaReconcileResult {
  key: string;
  /** The target's /scale was never read yet (its first read is still running): nothing to act on. */
  pending?: boolean;
  invalid?: { reason: string; message: string };
  scale?: ScaleView;
  tracked: TrackedPod[];
  unfit: UnfitPod[];
  /** PodScales of tracked pods, by pod name (what the API server holds now). */
  podScales: Map<string, CachedPodScale>;
}

export interface SlaControllerDeps {
  pods: Informer<CachedPod>;
  podScales: Informer<CachedPodScale>;
  scale: ScaleClient;
  writer: SlaWriter;
  /** Where the controller's API calls run, one per object at a time, off the loop's pass. */
  work: KeyedWork;
  log: Logger;
  now: () => number;
  /** Re-read the target's /scale at most this often (it is also re-read after the hub scales it). */
  targetRefreshMs?: number;
}

type TargetOutcome = { view: ScaleView } | { invalid: { reason: string; message: string } };

interface CachedTarget {
  outcome: TargetOutcome;
  readMs: number;
  targetJson: string;
}

export const slaKeyOf = (sla: CachedSla) => `${sla.metadata.namespace}/${sla.metadata.name}`;

/** The work key of one PodScale: its create, delete and patches never run at once. */
export const podScaleKey = (namespace: string, name: string) => `podscale/${namespace}/${name}`;

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
    if (t && 'view' in t.outcome) t.outcome = { view: { ...t.outcome.view, specReplicas } };
  }

  /** Starts a background read of each SLA's /scale that is due (none waits for another). */
  prefetch(slas: readonly CachedSla[]): void {
    for (const sla of slas) {
      const key = slaKeyOf(sla);
      const targetJson = JSON.stringify(sla.spec.targetRef);
      const cached = this.#targets.get(key);
      const refreshMs = this.#d.targetRefreshMs ?? 10_000;
      if (cached && cached.targetJson === targetJson && this.#d.now() - cached.readMs < refreshMs) continue;
      this.#d.work.submit(`scale/${key}`, () => this.#readTarget(key, sla, targetJson));
    }
  }

  forget(key: string): void {
    this.#targets.delete(key);
    for (const a of this.#announced) if (a.startsWith(`${key}/`)) this.#announced.delete(a);
  }

  /** Deletes PodScales whose SLA is gone (the garbage collector does too, when it runs). */
  sweepOrphans(liveSlaKeys: Set<string>): void {
    for (const ps of this.#d.podScales.list()) {
      const slaName = ps.metadata.labels?.[SLA_LABEL];
      const key = `${ps.metadata.namespace}/${slaName}`;
      if (!slaName || liveSlaKeys.has(key) || ps.metadata.deletionTimestamp) continue;
      this.#write(
        podScaleKey(ps.metadata.namespace!, ps.metadata.name!),
        'deleting an orphan PodScale',
        async () => {
          const r = await this.#d.writer.deletePodScale(ps.metadata.namespace!, ps.metadata.name!);
          this.#d.log.info(
            { sla: key, podScale: ps.metadata.name, result: r },
            'PodScale deleted: its SLA is gone',
          );
        },
      );
    }
  }

  /** Runs one write in the background; its failure is logged with `what` and retried on a later pass. */
  #write(key: string, what: string, fn: () => Promise<void>): void {
    this.#d.work.submit(key, async () => {
      try {
        await fn();
      } catch (err) {
        logWriteFailure(this.#d.log, err, { object: key }, `${what} failed; retried on a later pass`);
      }
    });
  }

  async reconcile(sla: CachedSla): Promise<SlaReconcileResult> {
    const key = slaKeyOf(sla);
    const namespace = sla.metadata.namespace!;
    const result: SlaReconcileResult = { key, tracked: [], unfit: [], podScales: new Map() };
    const target = this.#target(key, sla);
    if (!target) {
      result.pending = true;
      return result;
    }
    if ('invalid' in target) {
      result.invalid = target.invalid;
      this.#announce(
        sla,
        `${key}/invalid/${target.invalid.reason}`,
        target.invalid.reason,
        target.invalid.message,
      );
      return result;
    }
    result.scale = target.view;
    let reqs: LabelRequirement[];
    try {
      reqs = parseLabelSelector(target.view.selector);
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
      .filter((p) => p.metadata?.namespace === namespace && matchesLabels(reqs, p.metadata?.labels));
    const podScales = this.#d.podScales.list().filter((ps) => ps.metadata.namespace === namespace);
    const plan = planPodScales(sla, pods, podScales);
    if (pods.length === 0 && target.view.specReplicas > 0) {
      result.invalid = {
        reason: 'SelectorMatchesNothing',
        message: `selector "${target.view.selector}" of ${sla.spec.targetRef.kind} ${sla.spec.targetRef.name} matches no pod`,
      };
    }
    for (const ps of plan.create) {
      this.#write(podScaleKey(namespace, ps.metadata.name!), 'creating a PodScale', async () => {
        const r = await this.#d.writer.createPodScale(ps);
        this.#d.log.info(
          { sla: key, pod: ps.metadata.name, desired: ps.spec.desired, result: r },
          'PodScale created',
        );
      });
    }
    for (const name of plan.delete) {
      this.#write(podScaleKey(namespace, name), 'deleting a PodScale', async () => {
        const r = await this.#d.writer.deletePodScale(namespace, name);
        this.#d.log.info(
          { sla: key, podScale: name, result: r },
          'PodScale deleted: pod gone or no longer tracked',
        );
      });
    }
    for (const u of plan.unfit) {
      this.#announce(sla, `${key}/${u.uid}/${u.reason}`, u.reason, `pod ${u.pod}: ${u.message}`, {
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
      const nodeName = t.nodeName;
      if (nodeName && ps.spec.nodeName !== nodeName) {
        this.#write(podScaleKey(namespace, t.name), 'setting a PodScale node', async () => {
          await this.#d.writer.patchPodScaleSpec(namespace, t.name, { nodeName });
        });
      }
    }
    result.tracked = plan.tracked;
    result.unfit = plan.unfit;
    return result;
  }

  /** The target as last read (a stale read is used while the next one runs); undefined before the first read. */
  #target(key: string, sla: CachedSla): TargetOutcome | undefined {
    const cached = this.#targets.get(key);
    if (!cached || cached.targetJson !== JSON.stringify(sla.spec.targetRef)) return undefined;
    return cached.outcome;
  }

  async #readTarget(key: string, sla: CachedSla, targetJson: string): Promise<void> {
    const ref = sla.spec.targetRef;
    const what = `${ref.kind} ${ref.name} (${ref.apiVersion})`;
    // An invalid target is read again on the next pass (the user may be creating it right now).
    const remember = (outcome: TargetOutcome) =>
      this.#targets.set(key, {
        outcome,
        readMs: 'view' in outcome ? this.#d.now() : Number.NEGATIVE_INFINITY,
        targetJson,
      });
    try {
      remember({ view: await this.#d.scale.read(sla.metadata.namespace!, ref) });
    } catch (err) {
      const code = apiStatus(err);
      if (code === 404) {
        remember({
          invalid: { reason: 'TargetNotFound', message: `${what} not found, or it has no scale subresource` },
        });
      } else if (code === 405 || code === 400) {
        remember({ invalid: { reason: 'TargetNotScalable', message: `${what} has no scale subresource` } });
      } else {
        // Keep acting on the last good read; the next pass reads again.
        logWriteFailure(this.#d.log, err, { sla: key, target: what }, 'reading the target /scale failed');
      }
    }
  }

  #announce(
    sla: CachedSla,
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
  ): void {
    if (this.#announced.has(id)) return;
    this.#announced.add(id);
    this.#d.log.warn({ sla: slaKeyOf(sla), reason, regarding: regarding.name }, message);
    this.#write(`event/${id}`, 'recording an Event', () =>
      this.#d.writer.event(regarding, 'Warning', reason, message),
    );
  }
}
