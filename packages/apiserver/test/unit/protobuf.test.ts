import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors.ts';
import { decodeProtobufObject } from '../../protobuf.ts';

// Bodies kubectl 1.32 sent for `kubectl create ...` (captured from the wire).
const KUBECTL = {
  configmap: // create configmap cm1 --from-literal=a=b --from-literal=e=
    '6b3873000a0f0a0276311209436f6e6669674d617012240a130a03636d3112001a0022002a0032003800420012060a016112016212050a016512001a002200',
  deployment: // create deployment d1 --image=nginx --port=80 --replicas=0 -- sleep 10
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bf010a1d0a02643112001a0022002a003200380042005a090a0361707012026431128f010800120b0a090a03617070120264311a760a1b0a0012001a0022002a003200380042005a090a0361707012026431125712390a056e67696e7812056e67696e781a05736c6565701a0231302a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
  pdb: '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e42756467657412360a140a047064623112001a0022002a0032003800420012120a06080010011a0012080a060a01611201621a0a080018002000280030001a002200', // create pdb pdb1 --selector=a=b --min-available=1
};
const bytes = (hex: string) => Buffer.from(hex, 'hex');

/** A protobuf field: tag, then a length-delimited value (short values only). */
function field(n: number, value: Buffer | string): Buffer {
  const bytes = Buffer.from(value);
  return Buffer.concat([Buffer.from([(n << 3) | 2, bytes.length]), bytes]);
}

/** A varint field (values below 128). */
function small(n: number, value: number): Buffer {
  return Buffer.from([n << 3, value]);
}

/** A body as client-go sends it: magic, TypeMeta, the raw message. */
function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([field(1, apiVersion), field(2, kind)]);
  return Buffer.concat([Buffer.from('k8s\0'), field(1, typeMeta), field(2, raw), field(3, ''), field(4, '')]);
}

describe('protobuf request bodies', () => {
  it('decodes a ConfigMap, keeping a key whose value is empty', () => {
    expect(decodeProtobufObject(bytes(KUBECTL.configmap))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm1' },
      data: { a: 'b', e: '' },
    });
  });

  it('decodes a Deployment: a pointer set to zero stays, unset zero fields and empty status go', () => {
    const d = decodeProtobufObject(bytes(KUBECTL.deployment));
    expect(d).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd1', labels: { app: 'd1' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd1' } },
        template: {
          metadata: { labels: { app: 'd1' } },
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx', command: ['sleep', '10'], ports: [{ containerPort: 80 }] },
            ],
          },
        },
      },
    });
  });

  it('decodes an int-or-string', () => {
    expect(decodeProtobufObject(bytes(KUBECTL.pdb)).spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: { a: 'b' } },
    });
  });

  it('refuses (415) a field it cannot name when the field carries a value', () => {
    const original = bytes(KUBECTL.configmap);
    // Envelope: magic, typeMeta (field 1), raw (field 2, 0x24 bytes); add field 9 = "x" to the raw ConfigMap.
    const raw = Buffer.concat([original.subarray(23, 23 + 0x24), field(9, Buffer.from('x'))]);
    const body = Buffer.concat([original.subarray(0, 21), field(2, raw)]);
    let err: unknown;
    try {
      decodeProtobufObject(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(415);
    expect((err as ApiError).message).toContain('field 9 of ConfigMap');
  });

  it('decodes Events of both APIs as client-go’s recorders send them', () => {
    const meta = field(1, Buffer.concat([field(1, 'web.1'), field(3, 'default')]));
    const time = field(1, Buffer.from([0x08, 0x01])); // seconds = 1
    const pod = Buffer.concat([field(1, 'Pod'), field(2, 'default'), field(3, 'web')]);
    const core = Buffer.concat([
      meta,
      field(2, pod),
      field(3, 'Resized'),
      field(4, 'cpu 1 -> 2'),
      field(5, field(1, 'kubelet')),
      field(6, time.subarray(2)),
      small(8, 3),
      field(9, 'Normal'),
    ]);
    expect(decodeProtobufObject(envelope('v1', 'Event', core))).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' },
      reason: 'Resized',
      message: 'cpu 1 -> 2',
      source: { component: 'kubelet' },
      firstTimestamp: '1970-01-01T00:00:01Z',
      count: 3,
      type: 'Normal',
    });
    const v1 = Buffer.concat([
      meta,
      field(2, time.subarray(2)),
      field(4, 'example.com/ctl'),
      field(5, 'ctl-0'),
      field(6, 'Scale'),
      field(7, 'Scaled'),
      field(8, pod),
      field(10, 'to 3'),
      field(11, 'Normal'),
    ]);
    expect(decodeProtobufObject(envelope('events.k8s.io/v1', 'Event', v1))).toMatchObject({
      eventTime: '1970-01-01T00:00:01.000000Z',
      reportingController: 'example.com/ctl',
      regarding: { kind: 'Pod', name: 'web' },
      note: 'to 3',
    });
  });

  it('decodes a Lease as leader election writes it: micro-times, a pointer zero kept', () => {
    const renew = Buffer.concat([small(1, 2), Buffer.from([0x10, 0x88, 0x27])]); // 2 s + 5000 ns
    const spec = Buffer.concat([field(1, 'hub-0'), small(2, 15), field(4, renew), small(5, 0)]);
    const lease = Buffer.concat([field(1, field(1, 'kosmos-hub')), field(2, spec)]);
    expect(decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', lease))).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kosmos-hub' },
      spec: {
        holderIdentity: 'hub-0',
        leaseDurationSeconds: 15,
        renewTime: '1970-01-01T00:00:02.000005Z',
        leaseTransitions: 0,
      },
    });
  });

  it('answers a value of the wrong wire type with 400', () => {
    const original = bytes(KUBECTL.configmap);
    const raw = Buffer.concat([original.subarray(23, 23 + 0x24), field(4, Buffer.from('x'))]); // immutable is a bool
    const body = Buffer.concat([original.subarray(0, 21), field(2, raw)]);
    expect(() => decodeProtobufObject(body)).toThrow(
      /error decoding protobuf ConfigMap: wire type 2 for a bool/,
    );
  });

  it('answers a body without the k8s envelope with 400', () => {
    expect(() => decodeProtobufObject(Buffer.from('{"kind":"x"}'))).toThrow(/expected prefix/);
  });
});
