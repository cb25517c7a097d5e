// RBAC authorization over the Role/ClusterRole/(Cluster)RoleBinding objects the server holds, as
// kube-apiserver's RBAC authorizer decides: a request is allowed when a rule bound to the user, one
// of its groups or its ServiceAccount grants the verb on the resource. system:masters is allowed
// everything; discovery, /version and self access reviews are open (the default cluster roles).
import { ANONYMOUS, type ResourceAttributes, type UserInfo } from './auth.ts';
import { ApiError } from './errors.ts';
import type { Json, KObject } from './object-types.ts';
import type { Store } from './store.ts';

export type { ResourceAttributes };

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** Requests anyone authenticated may make: system:basic-user's self reviews. */
const SELF_REVIEWS = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews']);

/** The groups a user has implicitly, as the authenticator adds them. */
export function effectiveGroups(user: UserInfo): string[] {
  const groups = new Set(user.groups ?? []);
  if (user.username === ANONYMOUS.username) groups.add('system:unauthenticated');
  else groups.add('system:authenticated');
  const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(user.username);
  if (sa) {
    groups.add('system:serviceaccounts');
    groups.add(`system:serviceaccounts:${sa[1]}`);
  }
  return [...groups];
}

function subjectMatches(
  s: Json,
  user: UserInfo,
  groups: string[],
  bindingNamespace: string | undefined,
): boolean {
  if (s.kind === 'User') return s.name === user.username;
  if (s.kind === 'Group') return groups.includes(s.name);
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace || bindingNamespace;
    return user.username === `system:serviceaccount:${ns}:${s.name}`;
  }
  return false;
}

function has(list: string[] | undefined, value: string): boolean {
  return (list ?? []).includes('*') || (list ?? []).includes(value);
}

function ruleAllows(rule: Json, a: ResourceAttributes): boolean {
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.group)) return false;
  const resources: string[] = rule.resources ?? [];
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk =
    resources.includes('*') ||
    resources.includes(full) ||
    (a.subresource !== undefined && resources.includes(`*/${a.subresource}`));
  if (!resourceOk) return false;
  const names: string[] = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

export class RbacAuthorizer {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  private rulesFor(user: UserInfo, namespace: string | undefined): Json[] {
    const groups = effectiveGroups(user);
    const rules: Json[] = [];
    const roleRules = (kind: string, name: string, ns: string | undefined): Json[] => {
      const role =
        kind === 'ClusterRole'
          ? this.store.get('rbac.authorization.k8s.io/clusterroles', undefined, name)
          : this.store.get('rbac.authorization.k8s.io/roles', ns, name);
      return (role as KObject | undefined)?.rules ?? [];
    };
    for (const b of this.store.list('rbac.authorization.k8s.io/clusterrolebindings')) {
      if ((b.subjects ?? []).some((s: Json) => subjectMatches(s, user, groups, undefined)))
        rules.push(...roleRules(b.roleRef?.kind, b.roleRef?.name, undefined));
    }
    if (namespace) {
      for (const b of this.store.list('rbac.authorization.k8s.io/rolebindings', namespace)) {
        if ((b.subjects ?? []).some((s: Json) => subjectMatches(s, user, groups, namespace)))
          rules.push(...roleRules(b.roleRef?.kind, b.roleRef?.name, namespace));
      }
    }
    return rules;
  }

  authorize(user: UserInfo, a: ResourceAttributes): Decision {
    if (effectiveGroups(user).includes('system:masters')) return { allowed: true, reason: 'system:masters' };
    if (a.group === 'authorization.k8s.io' && SELF_REVIEWS.has(a.resource) && a.verb === 'create') {
      return { allowed: true, reason: 'system:basic-user' };
    }
    const rule = this.rulesFor(user, a.namespace).find((r) => ruleAllows(r, a));
    if (rule) return { allowed: true, reason: 'RBAC: allowed by a bound role' };
    return { allowed: false, reason: '' };
  }

  /** 403 Forbidden, worded as kube-apiserver words it, unless allowed. */
  check(user: UserInfo, a: ResourceAttributes): void {
    if (this.authorize(user, a).allowed) return;
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const what = a.name ? `${a.resource} "${a.name}"` : a.resource;
    const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
    throw new ApiError(
      403,
      'Forbidden',
      `${what} is forbidden: User "${user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${where}`,
      { name: a.name, group: a.group, kind: a.resource },
    );
  }
}
