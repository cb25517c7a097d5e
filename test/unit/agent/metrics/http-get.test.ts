import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  requestBytes,
  ScrapeConnections,
  ScrapeError,
  type ScrapeRequest,
} from '../../../../agent/src/metrics/http-get.ts';

const servers: Server[] = [];
const sockets: Socket[] = [];

/**
 * A raw TCP endpoint: `answer` gets each request's text (one per GET, on whichever connection) and
 * its socket, and writes whatever bytes it likes. Counts connections.
 */
async function endpoint(
  answer: (socket: Socket, nth: number) => void,
): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  let requests = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.push(socket);
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      while (pending.includes('\r\n\r\n')) {
        pending = pending.slice(pending.indexOf('\r\n\r\n') + 4);
        answer(socket, ++requests);
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

/** Writes the bytes one at a time, each in its own packet. */
async function trickle(socket: Socket, text: string): Promise<void> {
  for (const byte of Buffer.from(text, 'latin1')) {
    socket.write(Buffer.from([byte]));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const request = (port: number): ScrapeRequest => ({
  url: `http://127.0.0.1:${port}/metrics`,
  host: '127.0.0.1',
  port,
  path: '/metrics',
});

const BODY = '# TYPE m histogram\nm_bucket{le="+Inf"} 3\n';

describe('ScrapeConnections: GET over one kept-alive connection per endpoint', () => {
  it('writes node:http’s request line and headers (Host with the port but 80, IPv6 in brackets)', () => {
    const text = (r: ScrapeRequest) => requestBytes(r).toString('latin1');
    expect(text({ url: '', host: '10.0.0.7', port: 9090, path: '/metrics' })).toBe(
      'GET /metrics HTTP/1.1\r\naccept: text/plain;version=0.0.4;q=1,*/*;q=0.1\r\nHost: 10.0.0.7:9090\r\nConnection: keep-alive\r\n\r\n',
    );
    expect(text({ url: '', host: 'fd00::7', port: 80, path: '/stats' })).toContain('Host: [fd00::7]\r\n');
  });

  it('reads a content-length body that arrives a byte at a time, and reuses the connection', async () => {
    const { port, connections } = await endpoint((socket) => {
      void trickle(
        socket,
        `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`,
      );
    });
    const http = new ScrapeConnections(30_000);
    expect(await http.get(request(port), 5000, 1024)).toBe(BODY);
    expect(await http.get(request(port), 5000, 1024)).toBe(BODY);
    expect(connections()).toBe(1);
  });

  it('decodes a chunked body with extensions and trailers, split at every byte', async () => {
    const chunked = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n# TYP\r\n${(BODY.length - 5).toString(16)}\r\n${BODY.slice(5)}\r\n0\r\nX-Trailer: 1\r\n\r\n`;
    const { port, connections } = await endpoint((socket) => {
      void trickle(socket, chunked);
    });
    const http = new ScrapeConnections(30_000);
    expect(await http.get(request(port), 5000, 1024)).toBe(BODY);
    expect(await http.get(request(port), 5000, 1024)).toBe(BODY);
    expect(connections()).toBe(1);
  });

  it('reads a body delimited by the connection’s close (HTTP/1.0) and keeps no connection', async () => {
    const { port } = await endpoint((socket) => {
      socket.end(`HTTP/1.0 200 OK\r\n\r\n${BODY}`);
    });
    const http = new ScrapeConnections(30_000);
    expect(await http.get(request(port), 5000, 1024)).toBe(BODY);
    expect(http.endpoints).toBe(0);
  });

  it('skips a 100 Continue before the response', async () => {
    const { port } = await endpoint((socket) => {
      socket.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok`);
    });
    expect(await new ScrapeConnections(30_000).get(request(port), 5000, 1024)).toBe('ok');
  });

  it('retries once on a new connection when the kept-alive one was closed by the endpoint', async () => {
    const { port, connections } = await endpoint((socket, nth) => {
      // the second request finds the kept connection closed without an answer
      if (nth === 2) socket.destroy();
      else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);
    });
    const http = new ScrapeConnections(30_000);
    expect(await http.get(request(port), 5000, 1024)).toBe(BODY);
    expect(await http.get(request(port), 5000, 1024)).toBe(BODY);
    expect(connections()).toBe(2);
  });

  it('fails a new connection closed before the answer without retrying', async () => {
    const { port, connections } = await endpoint((socket) => socket.destroy());
    await expect(new ScrapeConnections(30_000).get(request(port), 5000, 1024)).rejects.toMatchObject({
      kind: 'connection',
      message: 'connection failed: ECONNRESET',
    });
    expect(connections()).toBe(1);
  });

  it.each([
    [
      'a status other than 200',
      'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy',
      'http_status',
      /^HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/metrics$/,
    ],
    [
      'a declared length over the limit',
      'HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n',
      'too_large',
      /^payload of 4096 bytes, more than 1024$/,
    ],
    [
      'a chunked body over the limit',
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n${'#'.repeat(2048)}\r\n0\r\n\r\n`,
      'too_large',
      /^payload larger than 1024 bytes$/,
    ],
    [
      'a header block over 16 KiB',
      `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`,
      'connection',
      /HPE_HEADER_OVERFLOW/,
    ],
    ['something other than HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', 'connection', /malformed HTTP response/],
    [
      'a body cut short by the close',
      'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort',
      'connection',
      /ECONNRESET/,
    ],
  ])('reports %s as a failure of its kind', async (_name, response, kind, message) => {
    const { port } = await endpoint((socket) => {
      socket.end(response);
    });
    const err = await new ScrapeConnections(30_000).get(request(port), 5000, 1024).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScrapeError);
    expect(err).toMatchObject({ kind, message: expect.stringMatching(message) });
  });

  it('times out an endpoint that never answers, and one that trickles past the deadline', async () => {
    const hang = await endpoint(() => undefined);
    const slow = await endpoint((socket) => {
      void trickle(socket, `HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'#'.repeat(1000)}`);
    });
    const http = new ScrapeConnections(30_000);
    await expect(http.get(request(hang.port), 150, 1024)).rejects.toMatchObject({
      kind: 'timeout',
      message: 'timeout after 150ms',
    });
    await expect(http.get(request(slow.port), 150, 4096)).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('sends a second request to a busy endpoint on its own connection', async () => {
    const { port, connections } = await endpoint((socket) => {
      setTimeout(() => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok`), 20);
    });
    const http = new ScrapeConnections(30_000);
    expect(
      await Promise.all([http.get(request(port), 5000, 1024), http.get(request(port), 5000, 1024)]),
    ).toEqual(['ok', 'ok']);
    expect(connections()).toBe(2);
    expect(http.endpoints).toBe(1);
  });

  it('refuses with the connect error’s code', async () => {
    const { port } = await endpoint(() => undefined);
    const server = servers.pop() as Server;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(new ScrapeConnections(30_000).get(request(port), 5000, 1024)).rejects.toMatchObject({
      kind: 'connection',
      message: 'connection failed: ECONNREFUSED',
    });
  });
});
