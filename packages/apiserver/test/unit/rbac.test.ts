import { describe, expect, it } from 'vitest';
import { RbacAuthorizer } from '../../rbac.ts';
import { Store } from '../../store.ts';

const RBAC = 'rbac.authorization.k8s.io';

function authorizer(): RbacAuthorizer {
  const store = new Store({});
  store.put(`${RBAC}/roles`, {
    metadata: { name: 'leases', namespace: 'ops' },
    rules: [
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'update'],
        resourceNames: ['lock'],
      },
    ],
  });
  store.put(`${RBAC}/rolebindings`, {
    metadata: { name: 'leases', namespace: 'ops' },
    roleRef: { kind: 'Role', name: 'leases' },
    subjects: [{ kind: 'ServiceAccount', name: 'hub' }],
  });
  store.put(`${RBAC}/clusterroles`, {
    metadata: { name: 'read-pods' },
    rules: [{ apiGroups: [''], resources: ['pods', '*/status'], verbs: ['get', 'list'] }],
  });
  store.put(`${RBAC}/clusterrolebindings`, {
    metadata: { name: 'read-pods' },
    roleRef: { kind: 'ClusterRole', name: 'read-pods' },
    subjects: [{ kind: 'Group', name: 'system:serviceaccounts:ops' }],
  });
  return new RbacAuthorizer(store);
}

const hub = { username: 'system:serviceaccount:ops:hub' };
const lease = {
  verb: 'update',
  group: 'coordination.k8s.io',
  resource: 'leases',
  namespace: 'ops',
  name: 'lock',
};

describe('RBAC authorizer', () => {
  it.each([
    ['a RoleBinding grants in its namespace (ServiceAccount subject, namespace implied)', hub, lease, true],
    ['but not in another namespace', hub, { ...lease, namespace: 'default' }, false],
    ['resourceNames limit the rule to those objects', hub, { ...lease, name: 'other' }, false],
    ['a verb outside the rule', hub, { ...lease, verb: 'delete' }, false],
    [
      'a ServiceAccount is in system:serviceaccounts:<ns>',
      hub,
      { verb: 'list', group: '', resource: 'pods' },
      true,
    ],
    [
      '*/status matches any status subresource',
      hub,
      { verb: 'get', group: '', resource: 'nodes', subresource: 'status' },
      true,
    ],
    [
      'a subresource needs its own rule',
      hub,
      { verb: 'get', group: '', resource: 'pods', subresource: 'log' },
      false,
    ],
    [
      'another user gets nothing',
      { username: 'alice' },
      { verb: 'list', group: '', resource: 'pods' },
      false,
    ],
    [
      'system:masters gets everything',
      { username: 'root', groups: ['system:masters'] },
      { verb: 'delete', group: '', resource: 'nodes' },
      true,
    ],
    [
      'anyone may review itself',
      { username: 'alice' },
      { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' },
      true,
    ],
  ])('%s', (_what, user, attrs, allowed) => {
    expect(authorizer().authorize(user, attrs).allowed).toBe(allowed);
  });

  it('refuses with a 403 worded as kube-apiserver', () => {
    expect(() =>
      authorizer().check(
        { username: 'alice' },
        {
          verb: 'patch',
          group: '',
          resource: 'pods',
          subresource: 'resize',
          namespace: 'default',
          name: 'web-1',
        },
      ),
    ).toThrow(
      'pods "web-1" is forbidden: User "alice" cannot patch resource "pods/resize" in API group "" in the namespace "default"',
    );
  });
});
