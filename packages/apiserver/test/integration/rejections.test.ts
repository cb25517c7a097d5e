// Requests a real kube-apiserver refuses are refused here too, with the same code and reason:
// body and object size limits, bad option values, fieldValidation, malformed selectors,
// resourceVersion semantics of lists, the create-only paths, wrong kinds, create-on-update for
// kinds that allow it, and finalizers added during deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from './helpers.ts';

interface Answer {
  code: number;
  body: { reason?: string; message?: string; metadata?: { resourceVersion?: string }; items?: unknown[] };
  warnings: string | null;
}

describe('requests a real API server rejects', () => {
  let c: Cluster;
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(c.server.url + path, {
      method,
      headers: { 'Content-Type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      code: res.status,
      body: (await res.json()) as Answer['body'],
      warnings: res.headers.get('warning'),
    } satisfies Answer;
  };
  const cm = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: { a: '1' },
    ...extra,
  });
  const cms = '/api/v1/namespaces/default/configmaps';

  beforeAll(async () => {
    c = await startCluster({ nodes: 1 });
  });
  afterAll(async () => c.server.stop());

  it('answers 413 to a body above 3 MiB and refuses to store an object above 1.5 MiB', async () => {
    const huge = await call('POST', cms, cm('huge', { data: { a: 'x'.repeat(3 * 1024 * 1024 + 1) } }));
    expect([huge.code, huge.body.reason]).toEqual([413, 'RequestEntityTooLarge']);
    const large = await call('POST', cms, cm('large', { data: { a: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(large.code).toBe(413);
    expect(large.body.message).toContain('request is too large');
    expect((await call('GET', `${cms}/large`)).code).toBe(404);
  });

  it('answers 422 to unsupported dryRun and fieldValidation values and stores nothing', async () => {
    const dry = await call('POST', `${cms}?dryRun=bogus`, cm('dry'));
    expect([dry.code, dry.body.reason]).toEqual([422, 'Invalid']);
    expect(dry.body.message).toContain('dryRun: Unsupported value');
    const fv = await call('POST', `${cms}?fieldValidation=Sloppy`, cm('fv'));
    expect(fv.code).toBe(422);
    expect((await call('GET', `${cms}/dry`)).code).toBe(404);
    expect((await call('GET', `${cms}/fv`)).code).toBe(404);
  });

  it('follows fieldValidation: Strict refuses unknown fields, Warn (the default) warns, Ignore is silent', async () => {
    const strict = await call('POST', `${cms}?fieldValidation=Strict`, cm('s', { bogus: 1 }));
    expect(strict.code).toBe(400);
    expect(strict.body.message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"',
    );
    const nested = await call('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', image: 'x', resourcez: {} }] },
    });
    expect(nested.body.message).toContain('unknown field "spec.containers[0].resourcez"');
    const warned = await call('POST', cms, cm('w', { bogus: 1 }));
    expect(warned.code).toBe(201);
    expect(warned.warnings).toBe('299 - "unknown field \\"bogus\\""');
    expect(warned.body).not.toHaveProperty('bogus');
    const ignored = await call('POST', `${cms}?fieldValidation=Ignore`, cm('i', { bogus: 1 }));
    expect([ignored.code, ignored.warnings]).toEqual([201, null]);
  });

  it.each(['app=web,', 'app in (a', 'app=(web)', 'a b'])(
    'answers 400 to the malformed label selector %j',
    async (selector) => {
      const r = await call('GET', `${cms}?labelSelector=${encodeURIComponent(selector)}`);
      expect([r.code, r.body.reason]).toEqual([400, 'BadRequest']);
    },
  );

  it('lists at an exact past resourceVersion, 410 when compacted, 504 when in the future', async () => {
    const before = await call('POST', cms, cm('v1'));
    const rv = before.body.metadata!.resourceVersion!;
    await call('POST', cms, cm('v2'));
    const exact = await call('GET', `${cms}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(exact.code).toBe(200);
    const names = (exact.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    expect(names).toContain('v1');
    expect(names).not.toContain('v2');
    expect(exact.body.metadata!.resourceVersion).toBe(rv);
    const future = await call('GET', `${cms}?resourceVersion=${Number(rv) + 1_000_000}`);
    expect([future.code, future.body.reason]).toEqual([504, 'Timeout']);
    expect(future.body.message).toContain('Too large resource version');
    const noRv = await call('GET', `${cms}?resourceVersionMatch=Exact`);
    expect(noRv.code).toBe(422);
    c.server.faults.compact();
    const old = await call('GET', `${cms}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect([old.code, old.body.reason]).toEqual([410, 'Expired']);
  });

  it('answers 405 to a create on the all-namespaces path of a namespaced kind', async () => {
    const r = await call('POST', '/api/v1/pods', {
      metadata: { name: 'nowhere', namespace: 'default' },
      spec: { containers: [{ name: 'a', image: 'x' }] },
    });
    expect([r.code, r.body.reason]).toEqual([405, 'MethodNotAllowed']);
  });

  it('answers 400 to a body of another kind or API version, instead of re-stamping it', async () => {
    const kind = await call('POST', cms, { ...cm('k'), kind: 'Secret' });
    expect(kind.code).toBe(400);
    expect(kind.body.message).toContain('cannot be handled as a ConfigMap');
    const version = await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1beta1',
      kind: 'Deployment',
      metadata: { name: 'd' },
    });
    expect(version.body.message).toBe(
      'the API version in the data (apps/v1beta1) does not match the expected API version (apps/v1)',
    );
  });

  it('creates a Lease with PUT (create-on-update) but not a ConfigMap', async () => {
    const lease = await call('PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/l', {
      metadata: { name: 'l' },
      spec: { holderIdentity: 'me' },
    });
    expect(lease.code).toBe(201);
    expect((await call('PUT', `${cms}/missing`, cm('missing'))).code).toBe(404);
  });

  it('refuses a new finalizer on an object being deleted (422)', async () => {
    await call('POST', cms, cm('held', { metadata: { name: 'held', finalizers: ['a/b'] } }));
    expect((await call('DELETE', `${cms}/held`)).code).toBe(200);
    const add = await call(
      'PATCH',
      `${cms}/held`,
      { metadata: { finalizers: ['a/b', 'c/d'] } },
      'application/merge-patch+json',
    );
    expect([add.code, add.body.reason]).toEqual([422, 'Invalid']);
    expect(add.body.message).toContain('no new finalizers can be added if the object is being deleted');
    const remove = await call(
      'PATCH',
      `${cms}/held`,
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    expect(remove.code).toBe(200);
    expect((await call('GET', `${cms}/held`)).code).toBe(404);
  });
});
