import { describe, expect, it } from 'vitest';
import {
  AgentAuthError,
  identityFromReview,
  insecureNoAuth,
  NODE_NAME_EXTRA,
  type TokenReviewResult,
  tokenReviewAuth,
} from '../../../../hub/src/auth/agent-auth.ts';
import type { Hello__Output } from '../../../../proto/gen/kosmos/v1/Hello.ts';

const hello = (over: Partial<Hello__Output> = {}): Hello__Output => ({
  nodeName: 'n1',
  protocolVersion: 1,
  agentVersion: 'v',
  token: 'tok',
  ...over,
});
const good: TokenReviewResult = {
  authenticated: true,
  audiences: ['kosmos-hub'],
  user: {
    username: 'system:serviceaccount:kosmos-system:kosmos-agent',
    extra: { [NODE_NAME_EXTRA]: ['n1'] },
  },
};

describe('identityFromReview', () => {
  it('takes the node from the token’s node claim', () => {
    expect(identityFromReview(good, hello({ nodeName: '' }), 'kosmos-hub').nodeName).toBe('n1');
  });

  it.each([
    {
      name: 'unauthenticated token',
      review: { authenticated: false, error: 'expired' },
      hello: hello(),
      msg: /expired/,
    },
    { name: 'wrong audience', review: { ...good, audiences: ['api'] }, hello: hello(), msg: /audience/ },
    {
      name: 'no node claim',
      review: { ...good, user: { username: 'x', extra: {} } },
      hello: hello(),
      msg: /node-name/,
    },
    {
      name: 'hello claims another node',
      review: good,
      hello: hello({ nodeName: 'n2' }),
      msg: /bound to node n1/,
    },
  ])('refuses $name', (c) => {
    expect(() => identityFromReview(c.review, c.hello, 'kosmos-hub')).toThrow(c.msg);
  });
});

describe('authenticators', () => {
  it('none trusts the hello’s node name but requires one', async () => {
    expect((await insecureNoAuth().authenticate(hello())).nodeName).toBe('n1');
    await expect(insecureNoAuth().authenticate(hello({ nodeName: '' }))).rejects.toBeInstanceOf(
      AgentAuthError,
    );
  });

  it('tokenreview sends the token with the audience and refuses a missing token', async () => {
    const seen: Array<[string, string[]]> = [];
    const auth = tokenReviewAuth(async (token, audiences) => {
      seen.push([token, audiences]);
      return good;
    }, 'kosmos-hub');
    expect((await auth.authenticate(hello())).nodeName).toBe('n1');
    expect(seen).toEqual([['tok', ['kosmos-hub']]]);
    await expect(auth.authenticate(hello({ token: '' }))).rejects.toThrow(/no token/);
  });
});
