import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors.ts';
import { fieldSetOf, formatPath, fromFieldsV1, toFieldsV1 } from '../../field-set.ts';
import { recordUpdate, serverSideApply, type Writer } from '../../managed-fields.ts';
import type { KObject } from '../../object-types.ts';

const writer = (manager: string, subresource = ''): Writer => ({
  manager,
  apiVersion: 'apps/v1',
  subresource,
  now: '2026-01-01T00:00:00Z',
});

function deployment(
  replicas: number,
  extra: Partial<KObject['spec']> = {},
  labels = { app: 'web' },
): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: {
      replicas,
      template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } },
      ...extra,
    },
  };
}

/** Apply, then store as the server would (object + its managedFields). */
function applied(live: KObject | undefined, cfg: KObject, w: Writer, force = false): KObject {
  const r = serverSideApply(live, cfg, w, force, true);
  return { ...r.object, metadata: { ...r.object.metadata, managedFields: r.managedFields } };
}

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('no conflict');
}

describe('field sets', () => {
  it('round-trip through fieldsV1, with "." on members that have children', () => {
    const set = fieldSetOf(deployment(2), {});
    const v1 = toFieldsV1(set);
    expect(v1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']).toEqual({
      '.': {},
      'f:image': {},
      'f:name': {},
    });
    expect(v1['f:metadata']).toEqual({ 'f:labels': { 'f:app': {} } });
    expect([...fromFieldsV1(v1).keys()].sort()).toEqual([...set.keys()].sort());
  });

  it('a CRD schema decides which lists are maps and by which keys', () => {
    const schema = {
      properties: {
        status: {
          properties: {
            conditions: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['type'],
            },
          },
        },
        spec: { properties: { containers: { type: 'array' } } },
      },
    };
    const obj = {
      metadata: {},
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
      spec: { containers: [{ name: 'a' }] },
    };
    const paths = [...fieldSetOf(obj, { schema }).values()].map(formatPath).sort();
    expect(paths).toEqual([
      '.spec.containers',
      '.status.conditions[type="Ready"]',
      '.status.conditions[type="Ready"].status',
      '.status.conditions[type="Ready"].type',
    ]);
  });
});

describe('server-side apply', () => {
  it('records the applier as the owner of every field it sent, not of the server’s metadata', () => {
    const obj = applied(undefined, deployment(2), writer('alice'));
    expect(obj.metadata.managedFields).toHaveLength(1);
    const entry = obj.metadata.managedFields![0];
    expect(entry).toMatchObject({
      manager: 'alice',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
    });
    expect(entry.fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(entry.fieldsV1['f:metadata']['f:name']).toBeUndefined();
  });

  it('refuses with 409 to change a field another manager owns, naming the manager and the field', () => {
    const live = applied(undefined, deployment(2), writer('alice'));
    const err = conflictOf(() => serverSideApply(live, deployment(3), writer('bob'), false, true));
    expect(err.code).toBe(409);
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "alice" using apps/v1: .spec.replicas',
    );
    expect(err.details?.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "alice" using apps/v1',
        field: '.spec.replicas',
      },
    ]);
  });

  it('force takes the field; the same value is shared without conflict', () => {
    const live = applied(undefined, deployment(2), writer('alice'));
    const forced = applied(live, deployment(3), writer('bob'), true);
    expect(forced.spec.replicas).toBe(3);
    const alice = forced.metadata.managedFields!.find((e) => e.manager === 'alice');
    expect(alice.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
    // Bob now owns replicas: alice re-applying 2 conflicts with bob.
    expect(
      conflictOf(() => serverSideApply(forced, deployment(2), writer('alice'), false, true)).message,
    ).toMatch(/conflict with "bob"/);
    const shared = applied(live, deployment(2), writer('carol'));
    expect(shared.metadata.managedFields!.map((e) => e.manager)).toEqual(['alice', 'carol']);
  });

  it('removes fields the manager stopped applying, unless another manager owns them', () => {
    const withSidecar = deployment(2, {
      template: {
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1' },
            { name: 'sidecar', image: 'envoy:1' },
          ],
        },
      },
    });
    let live = applied(
      undefined,
      { ...withSidecar, metadata: { ...withSidecar.metadata, labels: { app: 'web', tier: 'fe' } } },
      writer('alice'),
    );
    live = applied(live, deployment(2, {}, { app: 'web' }), writer('alice'));
    expect(live.metadata.labels).toEqual({ app: 'web' });
    expect(live.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web']);

    const owned = applied(undefined, deployment(2, { paused: true }), writer('alice'));
    const both = applied(owned, deployment(2, { paused: true }), writer('bob'));
    const after = applied(both, deployment(2), writer('alice'));
    expect(after.spec.paused).toBe(true);
  });

  it('an update takes ownership of what it changed: a later apply of another value conflicts with it', () => {
    const live = applied(undefined, deployment(2), writer('alice'));
    const scaled = structuredClone(live);
    scaled.spec.replicas = 5;
    const managedFields = recordUpdate(live, scaled, writer('kubectl-scale', 'scale'), true);
    const stored = { ...scaled, metadata: { ...scaled.metadata, managedFields } };
    expect(managedFields.map((e) => [e.manager, e.operation, e.subresource])).toEqual([
      ['alice', 'Apply', undefined],
      ['kubectl-scale', 'Update', 'scale'],
    ]);
    const err = conflictOf(() => serverSideApply(stored, deployment(2), writer('alice'), false, true));
    expect(err.message).toMatch(/conflict with "kubectl-scale" using apps\/v1: \.spec\.replicas/);
    // Re-applying without replicas gives the field up: it stays as the scaler set it.
    const noReplicas = deployment(2);
    delete noReplicas.spec.replicas;
    expect(applied(stored, noReplicas, writer('alice')).spec.replicas).toBe(5);
  });
});
