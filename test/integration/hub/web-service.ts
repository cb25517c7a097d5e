// The "web" service the hub+agent integration tests run: a Deployment of one container (app, 200m /
// 128Mi) in namespace default, which the Workload model serves, and an SLA of 200ms p95 over it.
import type * as k8s from '@kubernetes/client-node';
import { GROUP, type ServiceLevelAgreement, VERSION } from '../../../lib/api/types.ts';

export const WEB_NAMESPACE = 'default';

export function webDeployment(replicas: number): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: WEB_NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'sample:1',
              resources: {
                requests: { cpu: '200m', memory: '128Mi' },
                limits: { cpu: '200m', memory: '128Mi' },
              },
            },
          ],
        },
      },
    },
  };
}

export interface WebSlaLimits {
  maxCpu: string;
  maxReplicas: number;
  policy: ServiceLevelAgreement['spec']['policy'];
}

/** 200ms p95 over the web Deployment, 100m–maxCpu per pod, 1–maxReplicas replicas. */
export function webSla({ maxCpu, maxReplicas, policy }: WebSlaLimits): ServiceLevelAgreement {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'ServiceLevelAgreement',
    metadata: { name: 'web', namespace: WEB_NAMESPACE },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      container: 'app',
      objective: { responseTime: '200ms', statistic: 'p95' },
      metrics: { scrape: { port: 8080, path: '/metrics', metric: 'http_request_duration_seconds' } },
      resources: { min: { cpu: '100m', memory: '64Mi' }, max: { cpu: maxCpu, memory: '512Mi' } },
      replicas: { min: 1, max: maxReplicas },
      policy,
    },
  };
}
