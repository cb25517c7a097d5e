// The CRD's horizontal defaults are what the API server stores in every SLA, so they must be the
// same numbers the horizontal scaler falls back to when a field is absent.
import { describe, expect, it } from 'vitest';
import { HORIZONTAL_DEFAULTS } from '../../../hub/src/horizontal/defaults.ts';
import { kosmosCrds } from '../../support/kosmos-crds.ts';

describe('ServiceLevelAgreement CRD defaults', () => {
  it('match HORIZONTAL_DEFAULTS for scale-up and scale-down', () => {
    const sla = {
      apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
      kind: 'ServiceLevelAgreement',
      metadata: { name: 'x', namespace: 'default' },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        objective: { responseTime: '200ms' },
        metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
        resources: { min: { cpu: '100m' }, max: { cpu: '2' } },
        replicas: { max: 4 },
      },
    };
    kosmosCrds().sla.applyDefaults(sla);
    const h = (sla.spec as { policy?: { horizontal?: Record<string, unknown> } }).policy?.horizontal;
    expect(h?.['scaleUp']).toEqual({
      windowSeconds: HORIZONTAL_DEFAULTS.scaleUp.windowSeconds,
      stabilizationSeconds: HORIZONTAL_DEFAULTS.scaleUp.stabilizationSeconds,
      maxStepReplicas: HORIZONTAL_DEFAULTS.scaleUp.maxStepReplicas,
      maxStepPercent: HORIZONTAL_DEFAULTS.scaleUp.maxStepPercent,
    });
    expect(h?.['scaleDown']).toEqual({
      windowSeconds: HORIZONTAL_DEFAULTS.scaleDown.windowSeconds,
      stabilizationSeconds: HORIZONTAL_DEFAULTS.scaleDown.stabilizationSeconds,
      maxStepReplicas: HORIZONTAL_DEFAULTS.scaleDown.maxStepReplicas,
      maxStepPercent: HORIZONTAL_DEFAULTS.scaleDown.maxStepPercent,
    });
  });
});
