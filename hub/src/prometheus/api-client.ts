// The edge to a Prometheus server's HTTP API: one instant query (POST /api/v1/query) with a
// deadline, an optional bearer token and CA, keep-alive connections per server. Expected failures
// (unreachable, slow, HTTP or API errors, an answer too large) are values, not exceptions.
import { readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { isAbsolute, join, normalize, relative } from 'node:path';
import type { PrometheusFailure, VectorSample } from './samples.ts';

export interface PrometheusTarget {
  /** Base URL, no trailing slash. */
  url: string;
  /** Relative to the credentials directory. */
  bearerTokenFile?: string;
  caFile?: string;
}

export type QueryOutcome =
  | { ok: true; evalTimeSeconds: number; series: VectorSample[] }
  | ({ ok: false } & PrometheusFailure);

export interface PrometheusQueryClient {
  query(target: PrometheusTarget, expr: string, timeoutMs: number): Promise<QueryOutcome>;
}

/** An answer larger than this is not read (a query that does not aggregate, on a large cluster). */
export const MAX_RESPONSE_BYTES = 8 * 2 ** 20;
/** Credential files are re-read at most this often (a rotated Secret is picked up without a restart). */
export const CREDENTIALS_REFRESH_MS = 60_000;

interface CachedFile {
  content: string;
  readMs: number;
  mtimeMs: number;
}

export interface HttpPrometheusClientOptions {
  /** Where bearerTokenFile and caFile live; a path that leaves it is refused. */
  credentialsDir: string;
  now?: () => number;
  maxResponseBytes?: number;
}

export class HttpPrometheusClient implements PrometheusQueryClient {
  readonly #o: Required<HttpPrometheusClientOptions>;
  readonly #files = new Map<string, CachedFile>();
  readonly #agents = new Map<string, http.Agent>();

  constructor(options: HttpPrometheusClientOptions) {
    this.#o = { now: Date.now, maxResponseBytes: MAX_RESPONSE_BYTES, ...options };
  }

  /** Closes the kept-alive connections. */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #file(name: string): string {
    const dir = normalize(this.#o.credentialsDir);
    const path = normalize(join(dir, name));
    const rel = relative(dir, path);
    if (isAbsolute(name) || rel.startsWith('..') || isAbsolute(rel)) {
      throw new Error(`${name} is outside the hub's --prometheus-credentials-dir ${dir}`);
    }
    const now = this.#o.now();
    const cached = this.#files.get(path);
    if (cached && now - cached.readMs < CREDENTIALS_REFRESH_MS) return cached.content;
    const mtimeMs = statSync(path).mtimeMs;
    const content = cached && cached.mtimeMs === mtimeMs ? cached.content : readFileSync(path, 'utf8').trim();
    this.#files.set(path, { content, readMs: now, mtimeMs });
    return content;
  }

  #agent(url: URL, ca: string | undefined): http.Agent {
    const key = `${url.protocol}//${url.host}|${ca ?? ''}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      agent =
        url.protocol === 'https:'
          ? new https.Agent({ keepAlive: true, maxSockets: 8, ...(ca ? { ca } : {}) })
          : new http.Agent({ keepAlive: true, maxSockets: 8 });
      // A rotated CA makes a new agent; the old one's sockets close.
      for (const [k, old] of this.#agents) {
        if (k.startsWith(`${url.protocol}//${url.host}|`)) {
          old.destroy();
          this.#agents.delete(k);
        }
      }
      this.#agents.set(key, agent);
    }
    return agent;
  }

  async query(target: PrometheusTarget, expr: string, timeoutMs: number): Promise<QueryOutcome> {
    let url: URL;
    let headers: Record<string, string>;
    let agent: http.Agent;
    try {
      url = new URL(`${target.url}/api/v1/query`);
      const ca = target.caFile ? this.#file(target.caFile) : undefined;
      const token = target.bearerTokenFile ? this.#file(target.bearerTokenFile) : undefined;
      headers = {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      };
      agent = this.#agent(url, ca);
    } catch (err) {
      return {
        ok: false,
        reason: 'PrometheusNotConfigured',
        message: `cannot query ${target.url}: ${(err as Error).message}`,
      };
    }
    // Prometheus gives up a little before we do, so a slow query is cancelled on the server too.
    const body = new URLSearchParams({
      query: expr,
      timeout: `${Math.max(1, Math.floor(timeoutMs * 0.9))}ms`,
    }).toString();
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<QueryOutcome>((resolve) => {
      let settled = false;
      const done = (outcome: QueryOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = transport.request(
        url,
        { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.#o.maxResponseBytes) {
              req.destroy();
              done({
                ok: false,
                reason: 'PrometheusTooManySeries',
                message: `the answer exceeds ${this.#o.maxResponseBytes} bytes: narrow labelMatchers or aggregate by pod`,
              });
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (err) =>
            done({ ok: false, reason: 'PrometheusUnreachable', message: `${url.host}: ${err.message}` }),
          );
          res.on('end', () => done(parseAnswer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        },
      );
      const timer = setTimeout(() => {
        done({
          ok: false,
          reason: 'PrometheusTimeout',
          message: `${target.url} did not answer within ${timeoutMs} ms`,
        });
        req.destroy();
      }, timeoutMs);
      req.on('error', (err) =>
        done({ ok: false, reason: 'PrometheusUnreachable', message: `${target.url}: ${err.message}` }),
      );
      req.end(body);
    });
  }
}

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** The query API's JSON answer as an outcome. */
export function parseAnswer(statusCode: number, text: string): QueryOutcome {
  let answer: ApiAnswer;
  try {
    answer = JSON.parse(text) as ApiAnswer;
  } catch {
    return {
      ok: false,
      reason: 'PrometheusError',
      message: `HTTP ${statusCode}, not a Prometheus API answer: ${text.slice(0, 200)}`,
    };
  }
  if (answer.status !== 'success') {
    // bad_data: the query does not parse or does not type-check; the SLA's author must fix it.
    const reason = answer.errorType === 'bad_data' ? 'PrometheusBadQuery' : 'PrometheusError';
    const timeout = answer.errorType === 'timeout';
    return {
      ok: false,
      reason: timeout ? 'PrometheusTimeout' : reason,
      message: `HTTP ${statusCode} ${answer.errorType ?? 'error'}: ${answer.error ?? text.slice(0, 200)}`,
    };
  }
  if (answer.data?.resultType !== 'vector' || !Array.isArray(answer.data.result)) {
    return {
      ok: false,
      reason: 'PrometheusBadQuery',
      message: `the query returned a ${answer.data?.resultType ?? 'nothing'}, not an instant vector per pod`,
    };
  }
  const series = answer.data.result as VectorSample[];
  const evalTimeSeconds = series.length ? Number(series[0]!.value[0]) : Number.NaN;
  return { ok: true, evalTimeSeconds, series };
}
