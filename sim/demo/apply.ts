// Turns a scenario's services into the objects a user would apply: a Namespace, a Deployment per
// service (Guaranteed pods, resizable in place without restart) and its ServiceLevelAgreement.
import type { V1Deployment } from '@kubernetes/client-node';
import { API_VERSION, GROUP, type ServiceLevelAgreement, SLA_PLURAL, VERSION } from '../../lib/api/types.ts';
import { apiStatus, type KubeClients } from '../../lib/kube.ts';
import { formatCpuMilli, formatMemoryBytes } from '../../lib/quantity.ts';
import type { Scenario, ServiceScenario } from '../scenario/types.ts';

/** `containerArgs`: the container's args (a real pod's sample app flags); none for simulated pods. */
export function deploymentFor(
  svc: ServiceScenario,
  containerArgs?: (svc: ServiceScenario) => string[],
): V1Deployment {
  const size = {
    cpu: formatCpuMilli(svc.resources.cpuMilli),
    memory: formatMemoryBytes(svc.resources.memoryBytes),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: svc.name, namespace: svc.namespace, labels: { app: svc.name } },
    spec: {
      replicas: svc.replicas,
      selector: { matchLabels: { app: svc.name } },
      template: {
        metadata: { labels: { app: svc.name } },
        spec: {
          containers: [
            {
              name: svc.name,
              image: `kosmos-sim/${svc.name}:latest`,
              ...(containerArgs ? { args: containerArgs(svc) } : {}),
              ports: [{ name: 'metrics', containerPort: svc.sla.spec.metrics.scrape?.port ?? 8080 }],
              resources: { requests: size, limits: size },
              resizePolicy: [
                { resourceName: 'cpu', restartPolicy: 'NotRequired' },
                { resourceName: 'memory', restartPolicy: 'NotRequired' },
              ],
            },
          ],
        },
      },
    },
  };
}

export function slaFor(svc: ServiceScenario): ServiceLevelAgreement {
  return {
    apiVersion: API_VERSION,
    kind: 'ServiceLevelAgreement',
    metadata: { name: svc.name, namespace: svc.namespace },
    spec: {
      ...svc.sla.spec,
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: svc.name },
      container: svc.name,
    },
  };
}

export async function applyScenario(
  clients: KubeClients,
  scenario: Scenario,
  containerArgs?: (svc: ServiceScenario) => string[],
): Promise<void> {
  for (const ns of new Set(scenario.services.map((s) => s.namespace))) {
    try {
      await clients.core.createNamespace({ body: { metadata: { name: ns } } });
    } catch (err) {
      if (apiStatus(err) !== 409) throw err;
    }
  }
  for (const svc of scenario.services) {
    await clients.apps.createNamespacedDeployment({
      namespace: svc.namespace,
      body: deploymentFor(svc, containerArgs),
    });
    await clients.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: svc.namespace,
      plural: SLA_PLURAL,
      body: slaFor(svc),
    });
  }
}
