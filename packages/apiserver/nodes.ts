// Node objects for the simulated cluster: capacity/allocatable from a small spec, Ready, loopback
// addresses and a 1.35 kubelet version.
import { type KObject, nowTimestamp } from './object-types.ts';

export interface NodeSpec {
  name: string;
  /** Quantity, e.g. "4" or "3500m". */
  cpu: string;
  /** Quantity, e.g. "16Gi". */
  memory: string;
  pods?: number;
  labels?: Record<string, string>;
  /** InternalIP address (default 127.0.0.1). */
  address?: string;
}

export function defaultNodes(count: number, cpu = '4', memory = '16Gi'): NodeSpec[] {
  return Array.from({ length: count }, (_, i) => ({ name: `node-${i + 1}`, cpu, memory }));
}

export function nodeObject(spec: NodeSpec): KObject {
  const capacity = {
    cpu: spec.cpu,
    memory: spec.memory,
    pods: String(spec.pods ?? 110),
    'ephemeral-storage': '100Gi',
  };
  const now = nowTimestamp();
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...spec.labels,
      },
    },
    spec: {},
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: spec.address ?? '127.0.0.1' },
        { type: 'Hostname', address: spec.name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.35.0',
        containerRuntimeVersion: 'containerd://2.1.0',
        kernelVersion: '6.8.0',
        osImage: 'kosmos simulated node',
        operatingSystem: 'linux',
        architecture: 'amd64',
        machineID: '',
        systemUUID: '',
        bootID: '',
        kubeProxyVersion: '',
      },
    },
  };
}
