// The scrape's GET over one kept-alive HTTP/1.1 connection per endpoint, written for the one request
// the agent makes (GET, no body, a text answer, 200 or a failure): node:http's client machinery
// (request and response streams, agent bookkeeping, header objects) was ~9 KB of garbage and half
// the CPU of each scrape. One deadline covers connect to last byte; a body past the size limit is
// cut; a kept-alive connection the endpoint had closed while idle is retried once.
import { connect, type Socket } from 'node:net';
import type { ScrapeFailureKind } from './scraper.ts';

export class ScrapeError extends Error {
  readonly kind: ScrapeFailureKind;
  constructor(kind: ScrapeFailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** A scrape's request by its parts, the request bytes written once. */
export interface ScrapeRequest {
  url: string;
  host: string;
  port: number;
  path: string;
}

const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';
/** node:http's limit on a response's header block. */
const MAX_HEADER_BYTES = 16 * 1024;

/** The GET's bytes, with node:http's Host header (the port unless it is 80; an IPv6 address in brackets). */
export function requestBytes(request: ScrapeRequest): Buffer {
  const host = request.host.includes(':') ? `[${request.host}]` : request.host;
  const hostHeader = request.port === 80 ? host : `${host}:${request.port}`;
  return Buffer.from(
    `GET ${request.path} HTTP/1.1\r\naccept: ${ACCEPT}\r\nHost: ${hostHeader}\r\nConnection: keep-alive\r\n\r\n`,
    'latin1',
  );
}

/** A kept-alive connection the endpoint had closed before the request went out: retried on a new one. */
class StaleSocketError extends Error {}

const malformed = () => new ScrapeError('connection', 'connection failed: malformed HTTP response');

/**
 * One response read from the bytes as they come: status line and headers, then the body by
 * content-length, chunked, or up to the connection's close.
 */
class ResponseReader {
  status = 0;
  keepAlive = false;
  /** Body bytes to come: -1 chunked, -2 until the connection closes. */
  #remaining = 0;
  #head: Buffer | undefined;
  #inBody = false;
  readonly #body: Buffer[] = [];
  #bodyBytes = 0;
  /** Chunked: the partial size or trailer line carried to the next bytes, and whether data's CRLF follows. */
  #line: Buffer | undefined;
  #chunkLeft = 0;
  #chunkCrlf = false;
  #trailers = false;
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Whether the response's status line and headers have been read. */
  get headed(): boolean {
    return this.#inBody;
  }

  /** Reads the bytes; true once the response is complete (a 200's body is then `text()`). */
  push(bytes: Buffer): boolean {
    let data = bytes;
    if (!this.#inBody) {
      data = this.#head ? Buffer.concat([this.#head, bytes]) : bytes;
      for (;;) {
        const end = headEnd(data);
        if (end < 0) {
          if (data.length > MAX_HEADER_BYTES)
            throw new ScrapeError('connection', 'connection failed: HPE_HEADER_OVERFLOW');
          this.#head = data;
          return false;
        }
        if (end > MAX_HEADER_BYTES)
          throw new ScrapeError('connection', 'connection failed: HPE_HEADER_OVERFLOW');
        this.#readHead(data.toString('latin1', 0, end));
        data = data.subarray(end);
        // 1xx (but 101) come before the response itself
        if (this.status >= 100 && this.status < 200 && this.status !== 101) continue;
        break;
      }
      this.#head = undefined;
      this.#inBody = true;
      if (this.status !== 200) return true;
      if (this.#remaining === 0) return true;
    }
    return this.#remaining === -1 ? this.#chunked(data) : this.#take(data);
  }

  /** The connection closed: whether that completes the response (a body delimited by the close). */
  closed(): boolean {
    return this.#inBody && this.#remaining === -2;
  }

  text(): string {
    const body =
      this.#body.length === 1 ? (this.#body[0] as Buffer) : Buffer.concat(this.#body, this.#bodyBytes);
    return body.toString('utf8');
  }

  #readHead(head: string): void {
    const lines = head.split(/\r?\n/);
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!statusLine) throw malformed();
    this.status = Number(statusLine[2]);
    let keepAlive = statusLine[1] === '1';
    let length: number | undefined;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) throw malformed();
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d+$/.test(value) || (length !== undefined && length !== Number(value))) throw malformed();
        length = Number(value);
      } else if (name === 'transfer-encoding') chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      else if (name === 'connection') {
        const v = value.toLowerCase();
        if (v.includes('close')) keepAlive = false;
        else if (v.includes('keep-alive')) keepAlive = true;
      }
    }
    if (this.status !== 200) return;
    if (length !== undefined && !chunked && length > this.#maxBytes)
      throw new ScrapeError('too_large', `payload of ${length} bytes, more than ${this.#maxBytes}`);
    if (chunked) this.#remaining = -1;
    else if (length !== undefined) this.#remaining = length;
    else {
      this.#remaining = -2;
      keepAlive = false;
    }
    this.keepAlive = keepAlive;
  }

  #add(data: Buffer): void {
    if (data.length === 0) return;
    this.#bodyBytes += data.length;
    if (this.#bodyBytes > this.#maxBytes)
      throw new ScrapeError('too_large', `payload larger than ${this.#maxBytes} bytes`);
    this.#body.push(data);
  }

  #take(data: Buffer): boolean {
    if (this.#remaining === -2) {
      this.#add(data);
      return false;
    }
    if (data.length > this.#remaining) {
      // bytes past the response: not a connection to reuse
      this.keepAlive = false;
      data = data.subarray(0, this.#remaining);
    }
    this.#add(data);
    this.#remaining -= data.length;
    return this.#remaining === 0;
  }

  #chunked(bytes: Buffer): boolean {
    let data = bytes;
    while (data.length > 0) {
      if (this.#chunkLeft > 0) {
        const n = Math.min(this.#chunkLeft, data.length);
        this.#add(data.subarray(0, n));
        this.#chunkLeft -= n;
        data = data.subarray(n);
        continue;
      }
      // a line: a chunk's size, the CRLF after its data, or a trailer
      const lf = data.indexOf(10);
      if (lf < 0) {
        this.#line = this.#line ? Buffer.concat([this.#line, data]) : data;
        if (this.#line.length > MAX_HEADER_BYTES) throw malformed();
        return false;
      }
      const line = (this.#line ? Buffer.concat([this.#line, data.subarray(0, lf)]) : data.subarray(0, lf))
        .toString('latin1')
        .replace(/\r$/, '');
      this.#line = undefined;
      data = data.subarray(lf + 1);
      if (this.#chunkCrlf) {
        if (line !== '') throw malformed();
        this.#chunkCrlf = false;
        continue;
      }
      if (this.#trailers) {
        if (line !== '') continue;
        if (data.length > 0) this.keepAlive = false;
        return true;
      }
      const size = /^([0-9a-fA-F]+)\s*(?:;.*)?$/.exec(line);
      if (!size) throw malformed();
      this.#chunkLeft = Number.parseInt(size[1] as string, 16);
      if (this.#chunkLeft === 0) this.#trailers = true;
      else this.#chunkCrlf = true;
    }
    return false;
  }
}

/** Where the header block ends (just past its empty line), or -1. */
function headEnd(data: Buffer): number {
  let from = 0;
  for (;;) {
    const lf = data.indexOf(10, from);
    if (lf < 0) return -1;
    if (data[lf + 1] === 10) return lf + 2;
    if (data[lf + 1] === 13 && data[lf + 2] === 10) return lf + 3;
    from = lf + 1;
  }
}

/** One endpoint's kept-alive connection; an idle one is unreferenced and closed after `idleMs`. */
class Connection {
  socket: Socket | undefined;
  busy = false;
  #path = '';
  #bytes: Buffer | undefined;
  readonly #idleMs: number;
  readonly #gone: (connection: Connection) => void;

  constructor(idleMs: number, gone: (connection: Connection) => void) {
    this.#idleMs = idleMs;
    this.#gone = gone;
  }

  /** The request's bytes (the endpoint is scraped on the same path every tick). */
  bytes(request: ScrapeRequest): Buffer {
    if (this.#bytes === undefined || this.#path !== request.path) {
      this.#bytes = requestBytes(request);
      this.#path = request.path;
    }
    return this.#bytes;
  }

  /** The kept-alive socket (reused: true) or a new one. */
  take(host: string, port: number): { socket: Socket; reused: boolean } {
    const kept = this.socket;
    if (kept && !kept.destroyed) {
      kept.setTimeout(0);
      kept.ref();
      return { socket: kept, reused: true };
    }
    const socket = connect({ host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 1000 });
    // an idle socket's error, close or idle timeout only drops it; a request's own listeners report theirs
    socket.on('error', () => undefined);
    socket.on('timeout', () => {
      if (!this.busy) socket.destroy();
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (!this.busy) this.#gone(this);
    });
    this.socket = socket;
    return { socket, reused: false };
  }

  idle(socket: Socket): void {
    socket.unref();
    socket.setTimeout(this.#idleMs);
  }

  /** Closes the socket; the endpoint's next request opens a new one. */
  drop(socket: Socket): void {
    socket.destroy();
    if (this.socket === socket) this.socket = undefined;
    this.#gone(this);
  }
}

/** Kept-alive connections by endpoint (host and port); a busy one's second request goes on its own. */
export class ScrapeConnections {
  readonly #byEndpoint = new Map<string, Connection>();
  readonly #idleMs: number;

  constructor(idleMs: number) {
    this.#idleMs = idleMs;
  }

  /** Endpoints with a connection (tests). */
  get endpoints(): number {
    return this.#byEndpoint.size;
  }

  /**
   * GET over the endpoint's kept-alive connection; if the endpoint had closed it while idle, once
   * more on a fresh one, within the same deadline (connect to last byte).
   */
  async get(request: ScrapeRequest, timeoutMs: number, maxBytes: number): Promise<string> {
    const deadline = { atMs: performance.now() + timeoutMs, totalMs: timeoutMs };
    try {
      return await this.#getOnce(request, deadline, maxBytes);
    } catch (err) {
      if (!(err instanceof StaleSocketError)) throw err;
      return this.#getOnce(request, deadline, maxBytes).catch((again: unknown) => {
        throw again instanceof StaleSocketError
          ? new ScrapeError('connection', `connection failed: ${again.message}`)
          : again;
      });
    }
  }

  #connection(request: ScrapeRequest): { connection: Connection; kept: boolean } {
    const key = `${request.host}:${request.port}`;
    const known = this.#byEndpoint.get(key);
    if (known?.busy) return { connection: new Connection(this.#idleMs, () => undefined), kept: false };
    if (known) return { connection: known, kept: true };
    const connection = new Connection(this.#idleMs, (gone) => {
      if (this.#byEndpoint.get(key) === gone) this.#byEndpoint.delete(key);
    });
    this.#byEndpoint.set(key, connection);
    return { connection, kept: true };
  }

  #getOnce(
    request: ScrapeRequest,
    deadline: { atMs: number; totalMs: number },
    maxBytes: number,
  ): Promise<string> {
    const { connection, kept } = this.#connection(request);
    const { socket, reused } = connection.take(request.host, request.port);
    connection.busy = true;
    const reader = new ResponseReader(maxBytes);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | undefined, keepAlive: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        connection.busy = false;
        if (keepAlive && kept && !socket.destroyed) connection.idle(socket);
        else connection.drop(socket);
        if (err) reject(err);
        else resolve(reader.text());
      };
      const lost = (code: string) =>
        reused && !reader.headed
          ? new StaleSocketError(code)
          : new ScrapeError('connection', `connection failed: ${code}`);
      const onData = (chunk: Buffer) => {
        let complete: boolean;
        try {
          complete = reader.push(chunk);
        } catch (err) {
          settle(err as Error, false);
          return;
        }
        if (!complete) return;
        if (reader.status !== 200)
          settle(new ScrapeError('http_status', `HTTP ${reader.status} from ${request.url}`), false);
        else settle(undefined, reader.keepAlive);
      };
      const onError = (err: NodeJS.ErrnoException) => settle(lost(err.code ?? err.message), false);
      const onClose = () => {
        if (reader.closed()) settle(undefined, false);
        else settle(lost('ECONNRESET'), false);
      };
      const timer = setTimeout(
        () => settle(new ScrapeError('timeout', `timeout after ${deadline.totalMs}ms`), false),
        Math.max(0, deadline.atMs - performance.now()),
      );
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.write(connection.bytes(request));
    });
  }
}
