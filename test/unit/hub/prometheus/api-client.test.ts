// The Prometheus HTTP edge against a node:http stand-in on loopback: answers, API errors, deadlines,
// refused connections, oversized answers, bearer tokens from the credentials directory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPrometheusClient, parseAnswer } from '../../../../hub/src/prometheus/api-client.ts';

const vector = (result: unknown[]) =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });

describe('HttpPrometheusClient', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ auth?: string; body: string }> = [];
  let respond: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const dir = mkdtempSync(join(tmpdir(), 'kosmos-prom-creds-'));
  writeFileSync(join(dir, 'token'), 's3cret\n');
  const client = new HttpPrometheusClient({ credentialsDir: dir, maxResponseBytes: 10_000 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
        respond(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('POSTs the query with a server-side timeout below the deadline and the bearer token, and returns the vector', async () => {
    respond = (_, res) =>
      res.end(vector([{ metric: { pod: 'a', kosmos_signal: 'rate' }, value: [1700000000.5, '3'] }]));
    const out = await client.query({ url, bearerTokenFile: 'token' }, 'up', 2000);
    expect(out).toEqual({
      ok: true,
      evalTimeSeconds: 1700000000.5,
      series: [{ metric: { pod: 'a', kosmos_signal: 'rate' }, value: [1700000000.5, '3'] }],
    });
    const last = seen.at(-1)!;
    expect(last.auth).toBe('Bearer s3cret');
    expect(new URLSearchParams(last.body).get('query')).toBe('up');
    expect(new URLSearchParams(last.body).get('timeout')).toBe('1800ms');
  });

  it('a query that does not parse is PrometheusBadQuery, with Prometheus’s own words', async () => {
    respond = (_, res) =>
      res
        .writeHead(400)
        .end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error: unexpected }' }));
    expect(await client.query({ url }, 'x{', 1000)).toEqual({
      ok: false,
      reason: 'PrometheusBadQuery',
      message: 'HTTP 400 bad_data: parse error: unexpected }',
    });
  });

  it('no answer within the deadline is PrometheusTimeout', async () => {
    respond = () => {}; // never answers
    const started = Date.now();
    const out = await client.query({ url }, 'up', 200);
    expect(out).toMatchObject({ ok: false, reason: 'PrometheusTimeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a refused connection is PrometheusUnreachable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await client.query({ url: `http://127.0.0.1:${port}` }, 'up', 1000)).toMatchObject({
      ok: false,
      reason: 'PrometheusUnreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('an answer above the size limit is PrometheusTooManySeries and is not read further', async () => {
    respond = (_, res) =>
      res.end(vector(Array.from({ length: 500 }, (_, i) => ({ metric: { pod: `p${i}` }, value: [1, '1'] }))));
    expect(await client.query({ url }, 'up', 1000)).toMatchObject({
      ok: false,
      reason: 'PrometheusTooManySeries',
    });
  });

  it('refuses credential files outside its directory', async () => {
    expect(await client.query({ url, bearerTokenFile: '../../etc/passwd' }, 'up', 1000)).toMatchObject({
      ok: false,
      reason: 'PrometheusNotConfigured',
      message: expect.stringContaining('outside'),
    });
  });
});

describe('parseAnswer', () => {
  it('a matrix or scalar is not an answer per pod', () => {
    expect(
      parseAnswer(
        200,
        JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }),
      ),
    ).toMatchObject({
      ok: false,
      reason: 'PrometheusBadQuery',
    });
  });
  it('a proxy’s HTML error page is PrometheusError', () => {
    expect(parseAnswer(502, '<html>Bad Gateway</html>')).toMatchObject({
      ok: false,
      reason: 'PrometheusError',
    });
  });
});
