// Who is on the other end of an agent stream: `tokenreview` (the default) verifies the agent's
// audience-bound projected ServiceAccount token and takes the node from it; `insecure-none` trusts
// the Hello's node name (any client can then act as any node: demo and tests only).
import * as k8s from '@kubernetes/client-node';
import type { Hello__Output } from '../../../proto/gen/kosmos/v1/Hello.ts';

export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';

export interface AgentIdentity {
  nodeName: string;
  /** Authenticated user name, or "anonymous" when authentication is off. */
  subject: string;
  /** True when a credential proved the node (tokenreview); false when the hello was trusted. */
  authenticated: boolean;
}

export class AgentAuthError extends Error {
  override name = 'AgentAuthError';
}

export interface AgentAuthenticator {
  authenticate(hello: Hello__Output): Promise<AgentIdentity>;
}

/** The result of a TokenReview, as much of it as the decision needs. */
export interface TokenReviewResult {
  authenticated?: boolean;
  error?: string;
  audiences?: string[];
  user?: { username?: string; extra?: Record<string, string[]> };
}

export type TokenReviewer = (token: string, audiences: string[]) => Promise<TokenReviewResult>;

/** Pure: decides the identity from a review; throws AgentAuthError with the reason when refused. */
export function identityFromReview(
  review: TokenReviewResult,
  hello: Hello__Output,
  audience: string,
): AgentIdentity {
  if (!review.authenticated)
    throw new AgentAuthError(`token not authenticated: ${review.error || 'rejected'}`);
  if (!review.audiences?.includes(audience)) {
    throw new AgentAuthError(`token is not bound to audience ${audience}`);
  }
  const nodeName = review.user?.extra?.[NODE_NAME_EXTRA]?.[0];
  if (!nodeName)
    throw new AgentAuthError(`token has no ${NODE_NAME_EXTRA} claim (use a projected pod token)`);
  if (hello.nodeName && hello.nodeName !== nodeName) {
    throw new AgentAuthError(`hello names node ${hello.nodeName} but the token is bound to node ${nodeName}`);
  }
  return { nodeName, subject: review.user?.username ?? '', authenticated: true };
}

/** --agent-auth=insecure-none: the hello's node name is believed. */
export function insecureNoAuth(): AgentAuthenticator {
  return {
    async authenticate(hello) {
      if (!hello.nodeName) throw new AgentAuthError('hello has no node name');
      return { nodeName: hello.nodeName, subject: 'anonymous', authenticated: false };
    },
  };
}

export function tokenReviewAuth(review: TokenReviewer, audience: string): AgentAuthenticator {
  return {
    async authenticate(hello) {
      if (!hello.token) throw new AgentAuthError('hello carries no token (agent needs --hub-token-file)');
      return identityFromReview(await review(hello.token, [audience]), hello, audience);
    },
  };
}

/** TokenReview through the API server (the hub's ServiceAccount needs create on tokenreviews). */
export function kubeTokenReviewer(kc: k8s.KubeConfig): TokenReviewer {
  const api = kc.makeApiClient(k8s.AuthenticationV1Api);
  return async (token, audiences) => {
    const res = await api.createTokenReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } },
    });
    return (res.status ?? {}) as TokenReviewResult;
  };
}
