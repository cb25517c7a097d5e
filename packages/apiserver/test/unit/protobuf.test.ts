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

/** A protobuf field: tag, then a length-delimited value. */
function field(n: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(n << 3) | 2, value.length]), value]);
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
