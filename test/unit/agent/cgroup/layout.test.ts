import { describe, expect, it } from 'vitest';
import {
  type CgroupLayout,
  cgroupFile,
  cgroupRootComponents,
  containerCgroupDir,
  identifyCgroupPath,
  isContainerDirName,
  layoutFor,
  parseContainerId,
  podCgroupDir,
  type QosClass,
  systemdPath,
} from '../../../../agent/src/cgroup/layout.ts';

const UID = '1f0e3c2a-7b4d-4e5f-9a8b-0c1d2e3f4a5b';
const UID_ = UID.replaceAll('-', '_');
const ID = 'abc123def456abc123def456';

const systemdContainerd = layoutFor({ version: 'v2', driver: 'systemd', runtime: 'containerd' });
const cgroupfs = layoutFor({ version: 'v1', driver: 'cgroupfs', runtime: 'containerd' });
const nonDefaultRoot = layoutFor({ version: 'v2', driver: 'systemd', cgroupRoot: '/kubelet' });

describe('kubelet cgroup naming', () => {
  it.each<[string, CgroupLayout, QosClass, string]>([
    [
      'systemd burstable',
      systemdContainerd,
      'Burstable',
      `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`,
    ],
    [
      'systemd besteffort',
      systemdContainerd,
      'BestEffort',
      `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice`,
    ],
    [
      'systemd guaranteed directly under kubepods',
      systemdContainerd,
      'Guaranteed',
      `kubepods.slice/kubepods-pod${UID_}.slice`,
    ],
    ['cgroupfs burstable', cgroupfs, 'Burstable', `kubepods/burstable/pod${UID}`],
    ['cgroupfs guaranteed directly under kubepods', cgroupfs, 'Guaranteed', `kubepods/pod${UID}`],
    [
      'systemd with --cgroup-root=/kubelet',
      nonDefaultRoot,
      'Burstable',
      `kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod${UID_}.slice`,
    ],
  ])('places the pod cgroup for %s', (_name, layout, qosClass, expected) => {
    expect(podCgroupDir(layout, { uid: UID, qosClass })).toBe(expected);
  });

  it.each([
    ['containerd://', 'systemd', `cri-containerd-${ID}.scope`],
    ['cri-o://', 'systemd', `crio-${ID}.scope`],
    ['docker://', 'systemd', `docker-${ID}.scope`],
    ['containerd://', 'cgroupfs', ID],
    ['docker://', 'cgroupfs', ID],
    ['cri-o://', 'cgroupfs', `crio-${ID}`],
  ] as const)(
    'names a %s container under the %s driver after the runtime in its id',
    (prefix, driver, dirName) => {
      const layout = layoutFor({ version: 'v2', driver });
      const dir = containerCgroupDir(layout, {
        uid: UID,
        qosClass: 'Guaranteed',
        containerId: `${prefix}${ID}`,
      });
      expect(dir).toBe(`${podCgroupDir(layout, { uid: UID, qosClass: 'Guaranteed' })}/${dirName}`);
    },
  );

  it('names a bare container id after the layout runtime', () => {
    const crio = layoutFor({ version: 'v2', driver: 'systemd', runtime: 'crio' });
    expect(containerCgroupDir(crio, { uid: UID, qosClass: 'BestEffort', containerId: ID })).toMatch(
      new RegExp(`/crio-${ID}\\.scope$`),
    );
  });

  it('reads the runtime and bare id out of a pod status containerID', () => {
    expect(parseContainerId(`cri-o://${ID}`)).toEqual({ runtime: 'crio', id: ID });
    expect(parseContainerId(ID)).toEqual({ id: ID });
  });

  it('turns --cgroup-root in either form into cgroup name components', () => {
    expect(cgroupRootComponents('/')).toEqual([]);
    expect(cgroupRootComponents('/kubelet')).toEqual(['kubelet']);
    expect(cgroupRootComponents('/a/b')).toEqual(['a', 'b']);
    expect(cgroupRootComponents('/kubelet.slice')).toEqual(['kubelet']);
    expect(systemdPath(['a-b', 'c'])).toBe('a_b.slice/a_b-c.slice');
  });

  it('matches container directory names of any runtime but not CRI-O conmon scopes', () => {
    expect(isContainerDirName(`docker-${ID}.scope`, ID)).toBe(true);
    expect(isContainerDirName(ID, ID)).toBe(true);
    expect(isContainerDirName(`crio-conmon-${ID}.scope`, ID)).toBe(false);
  });

  it('puts v1 files in the hierarchy of their controller', () => {
    const v1 = layoutFor({ root: '/r', version: 'v1', driver: 'cgroupfs' });
    expect(cgroupFile(v1, 'cpuacct', 'kubepods', 'cpuacct.usage')).toBe(
      '/r/cpu,cpuacct/kubepods/cpuacct.usage',
    );
    expect(cgroupFile(v1, 'memory', 'kubepods', 'memory.stat')).toBe('/r/memory/kubepods/memory.stat');
    expect(() => cgroupFile(v1, 'pressure', 'kubepods', 'cpu.pressure')).toThrow(/no pressure hierarchy/);
  });
});

describe('identifyCgroupPath (the inverse)', () => {
  const layouts = {
    systemdContainerd,
    systemdCrio: layoutFor({ version: 'v2', driver: 'systemd', runtime: 'crio' }),
    systemdDocker: layoutFor({ version: 'v1', driver: 'systemd', runtime: 'docker' }),
    cgroupfs,
    cgroupfsCrio: layoutFor({ version: 'v1', driver: 'cgroupfs', runtime: 'crio' }),
    nonDefaultRoot,
  };
  const hexId = 'a'.repeat(64);
  for (const [name, layout] of Object.entries(layouts)) {
    it.each<QosClass>(['Guaranteed', 'Burstable', 'BestEffort'])(
      `recovers pod and container of a ${name} %s path`,
      (qosClass) => {
        const pod = { uid: UID, qosClass };
        expect(identifyCgroupPath(layout, podCgroupDir(layout, pod))).toEqual(pod);
        const identified = identifyCgroupPath(
          layout,
          containerCgroupDir(layout, { ...pod, containerId: hexId }),
        );
        expect(identified).toMatchObject({ ...pod, containerId: hexId });
      },
    );
  }

  it('rejects paths outside kubepods and foreign entries', () => {
    expect(identifyCgroupPath(systemdContainerd, 'system.slice/containerd.service')).toBeUndefined();
    const pod = podCgroupDir(systemdContainerd, { uid: UID, qosClass: 'Burstable' });
    expect(identifyCgroupPath(systemdContainerd, `${pod}/crio-conmon-${ID}.scope`)).toBeUndefined();
    expect(identifyCgroupPath(systemdContainerd, 'kubepods.slice/kubepods-burstable.slice')).toBeUndefined();
  });
});
