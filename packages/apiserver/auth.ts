// Bearer-token authentication and the TokenReview API (authentication.k8s.io/v1): tests register
// tokens; requests without a token are anonymous; unknown tokens get 401.
import { ApiError } from './errors.ts';
import type { KObject } from './object-types.ts';

export interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  /** e.g. { 'authentication.kubernetes.io/node-name': ['node-1'] } */
  extra?: Record<string, string[]>;
}

export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export class TokenRegistry {
  private readonly tokens = new Map<string, UserInfo>();

  register(token: string, user: UserInfo): void {
    this.tokens.set(token, user);
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  lookup(token: string): UserInfo | undefined {
    return this.tokens.get(token);
  }

  /** The user behind an Authorization header; throws 401 for an unknown bearer token. */
  authenticate(header: string | undefined): UserInfo {
    if (!header) return ANONYMOUS;
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) return ANONYMOUS;
    const user = this.tokens.get(m[1]!.trim());
    if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return user;
  }

  /** Answer a TokenReview: status.authenticated and the user for a known token. */
  review(body: KObject): KObject {
    const token: string = body.spec?.token ?? '';
    const user = this.tokens.get(token);
    const status = user
      ? {
          authenticated: true,
          user: {
            username: user.username,
            ...(user.uid ? { uid: user.uid } : {}),
            groups: user.groups ?? [],
            ...(user.extra ? { extra: user.extra } : {}),
          },
          audiences: body.spec?.audiences ?? [],
        }
      : { authenticated: false, user: {}, error: 'invalid bearer token' };
    return {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null as unknown as undefined },
      spec: body.spec ?? {},
      status,
    };
  }
}

/** Decides a review's attributes for a subject (the RBAC authorizer when one runs). */
export interface ReviewAuthorizer {
  authorize(user: UserInfo, a: ResourceAttributes): { allowed: boolean; reason: string };
}

/** What a request (or a review) asks to do: verb on group/resource[/subresource], where, which. */
export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/**
 * Answer a (Self|Local)SubjectAccessReview. With an authorizer, the answer is its decision for the
 * subject (the requester for a self review); without one every request is allowed, and so is
 * every review, saying why: `kubectl auth can-i` tells the truth about this server either way.
 */
export function accessReview(
  kind: string,
  body: KObject,
  requester: UserInfo,
  authorizer?: ReviewAuthorizer,
): KObject {
  const spec = body.spec ?? {};
  const reply = (status: object): KObject => ({
    kind,
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { ...(body.metadata?.namespace ? { namespace: body.metadata.namespace } : {}) },
    spec,
    status,
  });
  if (!authorizer) {
    return reply({ allowed: true, reason: 'the embedded API server allows every request (no authorizer)' });
  }
  const ra = spec.resourceAttributes;
  if (!ra) return reply({ allowed: true, reason: 'non-resource URLs are open to every user here' });
  const subject: UserInfo =
    kind === 'SelfSubjectAccessReview'
      ? requester
      : { username: spec.user ?? '', groups: spec.groups ?? [], extra: spec.extra };
  const decision = authorizer.authorize(subject, {
    verb: ra.verb ?? '',
    group: ra.group ?? '',
    resource: ra.resource ?? '',
    subresource: ra.subresource || undefined,
    namespace: (kind === 'LocalSubjectAccessReview' ? body.metadata?.namespace : ra.namespace) || undefined,
    name: ra.name || undefined,
  });
  return reply(decision.allowed ? { allowed: true, reason: decision.reason } : { allowed: false });
}
