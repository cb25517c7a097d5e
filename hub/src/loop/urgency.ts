// Which node reports cannot wait for the next pass (pure): a pod that missed its objective itself on
// enough requests, or sits pegged at its quota with nothing finished, while no growth is already
// planned for it — the cases the law answers on a short window (recommender/evidence.ts), unless it is planned at its
// SLA maximum already. The hub
// then plans at once and answers the report with the new directive.
import { statisticSeconds } from '../../../lib/api/statistic.ts';
import type { Statistic } from '../../../lib/api/types.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { NodeSample, PodSample } from '../model/pod-sample.ts';
import type { KosmosTuning, RecommenderConfig } from '../recommender/types.ts';
import { missingResponseTime } from './signals.ts';

export interface Objective {
  sloSeconds: number;
  statistic: Statistic;
  /** A pod planned at its SLA maximum cannot grow: the next pass is soon enough for it. */
  maxCpuMilli: number;
}

export type UrgencyTuning = Pick<
  KosmosTuning,
  'minRequestsForFeedback' | 'saturatedUtilization' | 'deadbandFraction'
>;

/** The pod needs more CPU than is enacted or planned for it now. */
export function urgentPod(
  pod: PodSample,
  objective: Objective | undefined,
  plannedCpuMilli: number | undefined,
  t: UrgencyTuning,
): boolean {
  if (!objective || plannedCpuMilli === undefined) return false;
  const enacted = pod.enacted.cpuMilli;
  if (!(enacted > 0) || plannedCpuMilli > enacted * (1 + t.deadbandFraction)) return false;
  if (plannedCpuMilli >= objective.maxCpuMilli) return false;
  const rt = pod.responseTime;
  if (rt && missingResponseTime(pod) === undefined && rt.requestCount > 0) {
    return (
      rt.requestCount >= t.minRequestsForFeedback &&
      statisticSeconds(rt, objective.statistic) > objective.sloSeconds
    );
  }
  return pod.usageValid && pod.cpuUsageMilli >= t.saturatedUtilization * enacted;
}

/**
 * Whether a node's report holds a pod the next pass should not wait for: a planned pod that is
 * urgentPod under its SLA's recommender config as of the last pass (`recommenderOf`, by SLA key). A
 * pod's plan is looked up among the node's own few plans, the cluster-wide map only when not there.
 */
export function reportNeedsPlanNow(
  sample: NodeSample,
  model: Pick<ClusterModel, 'plansOn' | 'plan'>,
  recommenderOf: (sla: string) => RecommenderConfig | undefined,
): boolean {
  const onNode = model.plansOn(sample.nodeName);
  for (const pod of sample.pods) {
    const plan = onNode?.get(pod.uid) ?? model.plan(pod.uid);
    if (!plan) continue;
    const config = recommenderOf(plan.directive.sla ?? '');
    if (!config) continue;
    const desired = plan.directive.desired?.cpuMilli;
    if (urgentPod(pod, config, desired === undefined ? undefined : Number(desired), config.tuning))
      return true;
  }
  return false;
}
