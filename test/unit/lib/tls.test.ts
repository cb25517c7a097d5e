import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelTlsCredentials, serverTlsCredentials, TlsConfigError } from '../../../lib/tls.ts';
import { waitFor } from '../../support/wait-for.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url));

// One unary method that echoes its bytes: enough to see whether a TLS handshake succeeds.
const echo = {
  echo: {
    path: '/kosmos.test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
} satisfies grpc.ServiceDefinition;
const EchoClient = grpc.makeGenericClientConstructor(echo, 'Echo');

describe('TLS for the agent port', () => {
  let server: grpc.Server;
  let port: number;
  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(echo, {
      echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
        cb(null, call.request),
    });
    const creds = serverTlsCredentials(fixture('hub.crt'), fixture('hub.key'));
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))),
    );
  });
  afterAll(() => server.forceShutdown());

  const call = (credentials: grpc.ChannelCredentials, to = port) =>
    new Promise<{ ok: true; body: string } | { ok: false; code: number }>((resolve) => {
      const client = new EchoClient(`localhost:${to}`, credentials);
      (client as unknown as { echo: grpc.requestCallback<Buffer> & ((...a: unknown[]) => void) }).echo(
        Buffer.from('hello'),
        { deadline: Date.now() + 3000 },
        (err: grpc.ServiceError | null, value?: Buffer) => {
          client.close();
          resolve(err ? { ok: false, code: err.code } : { ok: true, body: String(value) });
        },
      );
    });

  it('serves a client that verifies the hub against its CA', async () => {
    expect(await call(channelTlsCredentials(fixture('ca.crt')))).toEqual({ ok: true, body: 'hello' });
  });

  it('is refused by a client that trusts another CA, and refuses a plaintext client', async () => {
    expect(await call(channelTlsCredentials(fixture('other-ca.crt')))).toEqual({
      ok: false,
      code: grpc.status.UNAVAILABLE,
    });
    expect(await call(grpc.credentials.createInsecure())).toEqual({
      ok: false,
      code: grpc.status.UNAVAILABLE,
    });
  });

  it('picks up rotated files without a restart: the server’s certificate and the client’s CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kosmos-tls-'));
    const put = (from: string, to: string) => copyFileSync(fixture(from), join(dir, to));
    put('hub-other.crt', 'tls.crt');
    put('hub-other.key', 'tls.key');
    put('other-ca.crt', 'ca.crt');
    const rotating = new grpc.Server();
    rotating.addService(echo, {
      echo: (c: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, c.request),
    });
    const creds = serverTlsCredentials(join(dir, 'tls.crt'), join(dir, 'tls.key'), 100);
    const p = await new Promise<number>((resolve, reject) =>
      rotating.bindAsync('127.0.0.1:0', creds, (err, n) => (err ? reject(err) : resolve(n))),
    );
    try {
      const trusting = (file: string) => channelTlsCredentials(file, 100);
      expect(await call(trusting(fixture('ca.crt')), p)).toMatchObject({ ok: false });
      expect(await call(trusting(join(dir, 'ca.crt')), p)).toEqual({ ok: true, body: 'hello' });
      // Renewal: the hub gets a certificate from the test CA, the agents get that CA.
      put('hub.crt', 'tls.crt');
      put('hub.key', 'tls.key');
      put('ca.crt', 'ca.crt');
      await waitFor('the hub serves its renewed certificate', async () =>
        (await call(trusting(fixture('ca.crt')), p)).ok ? true : undefined,
      );
      expect(await call(trusting(join(dir, 'ca.crt')), p)).toEqual({ ok: true, body: 'hello' });
    } finally {
      rotating.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    {
      name: 'a missing certificate',
      run: () => serverTlsCredentials('/nonexistent/tls.crt', fixture('hub.key')),
      message: /cannot read the TLS certificate \/nonexistent\/tls.crt/,
    },
    {
      name: 'a certificate given as the key',
      run: () => serverTlsCredentials(fixture('hub.crt'), fixture('hub.crt')),
      message: /is not a PEM private key/,
    },
    {
      name: 'a key given as the CA',
      run: () => channelTlsCredentials(fixture('hub.key')),
      message: /CA certificate .*hub.key is not a PEM certificate/,
    },
  ])('fails at start-up on $name, naming the file', ({ run, message }) => {
    expect(run).toThrow(TlsConfigError);
    expect(run).toThrow(message);
  });
});
