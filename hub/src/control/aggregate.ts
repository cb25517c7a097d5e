// Service-level aggregation of one tick's pod signals and recommendations (pods may differ in size).
import type { RecommendationTerms } from '../recommender/types.ts';
import type { PodObservation, PodPlan, ServiceAggregate } from './types.ts';

/**
 * Rates, usage and allocations add up; the response time is request-weighted across pods
 * (Σ count·rt / Σ count, exact for the mean, an approximation for percentiles); the demand is
 * Σ of the recommender's targets before rate limits and SLA bounds (Σ desired for pods without one);
 * the per-pod headroom is the mean queueing headroom of the pods that have a model.
 */
export function aggregateService(
  observations: readonly PodObservation[],
  plans: readonly PodPlan[],
): ServiceAggregate {
  let requestRate = 0;
  let requestCount = 0;
  let weightedRt = 0;
  let rtCount = 0;
  let cpuUsageMilli = 0;
  let enactedCpuMilli = 0;
  for (const pod of observations) {
    enactedCpuMilli += pod.enacted.cpuMilli;
    const s = pod.signal;
    if (!s) continue;
    requestRate += s.requestRate;
    requestCount += s.requestCount;
    if (s.usageValid !== false) cpuUsageMilli += s.cpuUsageMilli;
    if (s.responseTimeSeconds !== undefined && s.requestCount > 0) {
      weightedRt += s.requestCount * s.responseTimeSeconds;
      rtCount += s.requestCount;
    }
  }
  let desiredCpuMilli = 0;
  let demandCpuMilli = 0;
  // summed in pod order from 0, as a reduce over the pods with a model would
  let headroomSum = 0;
  let headroomCount = 0;
  for (const plan of plans) {
    desiredCpuMilli += plan.desired.cpuMilli;
    demandCpuMilli += podDemandCpuMilli(plan.terms, plan.desired.cpuMilli);
    const headroom = plan.terms?.headroomCpuMilli;
    if (headroom !== undefined) {
      headroomSum += headroom;
      headroomCount++;
    }
  }
  return {
    requestRate,
    requestCount,
    responseTimeSeconds: rtCount > 0 ? weightedRt / rtCount : undefined,
    cpuUsageMilli,
    enactedCpuMilli,
    desiredCpuMilli,
    demandCpuMilli,
    perPodHeadroomCpuMilli: headroomCount > 0 ? headroomSum / headroomCount : 0,
  };
}

function podDemandCpuMilli(terms: RecommendationTerms | undefined, desiredCpuMilli: number): number {
  return terms === undefined ? desiredCpuMilli : Math.ceil(terms.targetCpuMilli);
}
