import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildNodeView, NodeViewCache } from '../../../../agent/src/pods/node-view.ts';
import {
  enactedAllocation,
  podRequests,
  qosClassOf,
  resizeStatusOf,
} from '../../../../agent/src/pods/pod-resources.ts';
import type { PodScale } from '../../../../lib/api/types.ts';

function pod(name: string, resources: object, extra: Partial<V1Pod> = {}): V1Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}` },
    spec: { nodeName: 'n1', containers: [{ name: 'app', resources }] },
    status: { phase: 'Running' },
    ...extra,
  };
}

function podScale(name: string): PodScale {
  return {
    apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
    kind: 'PodScale',
    metadata: { name, namespace: 'ns' },
    spec: { podRef: { name, uid: `uid-${name}` }, slaRef: { name: 'web' }, container: 'app', desired: {} },
  };
}

describe('buildNodeView', () => {
  const pods = [
    pod('web', { requests: { cpu: '500m', memory: '256Mi' } }),
    pod('batch', { requests: { cpu: '1', memory: '1Gi' } }),
    pod('done', { requests: { cpu: '2' } }, { status: { phase: 'Succeeded' } }),
    pod('hubonly', { requests: { cpu: '100m' } }),
  ];

  it('tracks pods with a PodScale or a directive and sums the requests of the other live pods', () => {
    const view = buildNodeView({
      pods,
      podScales: [podScale('web'), podScale('elsewhere')],
      directed: [{ uid: 'uid-hubonly', container: 'app', sla: 'ns/x' }],
      sla: () => ({
        apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
        kind: 'ServiceLevelAgreement',
        metadata: { name: 'web' },
        spec: {
          targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          objective: { responseTime: '200ms' },
          metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
          resources: { min: {}, max: {} },
          replicas: { max: 3 },
        },
      }),
    });
    expect(view.tracked.map((p) => [p.name, p.sla, p.podScaleName])).toEqual([
      ['hubonly', 'ns/x', undefined],
      ['web', 'ns/web', 'web'],
    ]);
    expect(view.tracked[1]!.scrape).toEqual({ port: 8080, metric: 'http_request_duration_seconds' });
    expect(view.untrackedRequests).toEqual({ cpuMilli: 1000, memoryBytes: 2 ** 30 });
  });
});

describe('pod readings', () => {
  it.each([
    [{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ requests: { cpu: '1' } }, 'Burstable'],
    [{}, 'BestEffort'],
  ])('QoS class of %o is %s', (resources, qos) => {
    expect(qosClassOf(pod('p', resources))).toBe(qos);
  });

  it('reads the enacted allocation from containerStatuses[].resources', () => {
    const p = pod(
      'p',
      {},
      {
        status: {
          containerStatuses: [
            {
              name: 'app',
              image: 'i',
              imageID: '',
              ready: true,
              restartCount: 0,
              resources: { requests: { cpu: '750m', memory: '128Mi' } },
            },
          ],
        },
      },
    );
    expect(enactedAllocation(p, 'app')).toEqual({ cpuMilli: 750, memoryBytes: 128 * 2 ** 20 });
  });

  it.each([
    [[{ type: 'PodResizePending', status: 'True', reason: 'Infeasible', message: 'too big' }], 'Infeasible'],
    [[{ type: 'PodResizePending', status: 'True', reason: 'Deferred' }], 'Deferred'],
    [[{ type: 'PodResizeInProgress', status: 'True' }], 'InProgress'],
    [[{ type: 'PodResizeInProgress', status: 'True', reason: 'Error' }], 'Error'],
    [[{ type: 'Ready', status: 'True' }], 'None'],
  ])('resize state from conditions %o is %s', (conditions, state) => {
    expect(resizeStatusOf(pod('p', {}, { status: { conditions } })).state).toBe(state);
  });

  it('counts init containers and overhead in pod requests the way the scheduler does', () => {
    const p = pod('p', { requests: { cpu: '200m' } });
    p.spec!.initContainers = [{ name: 'init', resources: { requests: { cpu: '500m' } } }];
    p.spec!.overhead = { cpu: '50m' };
    expect(podRequests(p).cpuMilli).toBe(550);
  });

  it('adds sidecars (restartable init containers) to the containers and to the init steps after them', () => {
    const p = pod('p', { requests: { cpu: '200m', memory: '100Mi' } });
    p.spec!.initContainers = [
      { name: 'setup', resources: { requests: { cpu: '300m', memory: '50Mi' } } },
      { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
      { name: 'migrate', resources: { requests: { cpu: '400m', memory: '32Mi' } } },
      { name: 'logs', restartPolicy: 'Always', resources: { requests: { cpu: '50m', memory: '16Mi' } } },
    ];
    // cpu: init steps 300, 100, 400 + 100, 150 → 500; running: 200 + 150 = 350 → 500
    // memory: init steps 50, 64, 32 + 64, 80 → 96 Mi; running: 100 + 80 = 180 Mi → 180 Mi
    expect(podRequests(p)).toEqual({ cpuMilli: 500, memoryBytes: 180 * 2 ** 20 });
    p.spec!.initContainers = p.spec!.initContainers.filter((c) => c.name !== 'migrate');
    expect(podRequests(p)).toEqual({ cpuMilli: 350, memoryBytes: 180 * 2 ** 20 });
  });
});

describe('NodeViewCache', () => {
  const web = pod('web', { requests: { cpu: '500m', memory: '256Mi' } });
  const batch = pod('batch', { requests: { cpu: '1', memory: '1Gi' } });
  const input = (pods: V1Pod[], directed = [{ uid: 'uid-web', container: 'app', sla: 'ns/web' }]) => ({
    pods,
    podScales: [],
    directed,
    sla: () => undefined,
  });

  it('builds what buildNodeView builds, reusing an entry while its pod and directive are the same', () => {
    const cache = new NodeViewCache();
    const first = cache.build(input([web, batch]));
    expect(first).toEqual(buildNodeView(input([web, batch])));
    const second = cache.build(input([web, batch]));
    expect(second.tracked[0]).toBe(first.tracked[0]);
    expect(second.untrackedRequests).toEqual({ cpuMilli: 1000, memoryBytes: 1024 ** 3 });
  });

  it('rebuilds a pod whose object, or directive, changed, and forgets pods that left', () => {
    const cache = new NodeViewCache();
    const first = cache.build(input([web, batch]));
    const resized = pod('web', { requests: { cpu: '700m', memory: '256Mi' } });
    const second = cache.build(input([resized, batch]));
    expect(second.tracked[0]).not.toBe(first.tracked[0]);
    expect(second.tracked[0]!.spec.cpuRequestMilli).toBe(700);
    const moved = cache.build(
      input([resized, batch], [{ uid: 'uid-web', container: 'app', sla: 'ns/other' }]),
    );
    expect(moved.tracked[0]!.sla).toBe('ns/other');
    const gone = cache.build(input([batch], []));
    expect(gone.tracked).toEqual([]);
    expect(gone.untrackedRequests.cpuMilli).toBe(1000);
  });
});
