// A sample HTTP service for trying kosmos: each request burns a fixed amount of CPU time and is
// recorded in the http_request_duration_seconds histogram served on /metrics.
import { createServer, type Server } from 'node:http';
import { Command, InvalidArgumentError } from 'commander';
import { Histogram, Registry } from 'prom-client';

export interface SampleAppOptions {
  port: number;
  host: string;
  cpuPerRequestMs: number;
  /** Name reported in the X-Backend header (lets a balancer test count the split). */
  name: string;
}

function burn(ms: number): void {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  while (process.hrtime.bigint() < end) {
    // busy: the point is to use CPU
  }
}

export function startSampleApp(options: SampleAppOptions): Promise<Server> {
  const registry = new Registry();
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request arrival to response, seconds.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10],
    registers: [registry],
  });
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      });
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200).end('ok');
      return;
    }
    const stop = duration.startTimer();
    burn(options.cpuPerRequestMs);
    res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': options.name });
    res.end(`${options.name}\n`);
    stop();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a non-negative number');
  return n;
}

if (import.meta.main) {
  const program = new Command('sample-app')
    .description('HTTP service that burns CPU per request and exports a latency histogram on /metrics')
    .option('--port <n>', 'listen port', positive, 8080)
    .option('--host <addr>', 'listen address', '0.0.0.0')
    .option('--cpu-per-request-ms <ms>', 'CPU time burned by each request', positive, 20)
    .option('--name <name>', 'name returned in X-Backend', process.env['HOSTNAME'] ?? 'sample-app')
    .parse();
  const o = program.opts<{ port: number; host: string; cpuPerRequestMs: number; name: string }>();
  const server = await startSampleApp(o);
  console.log(`sample-app listening on ${o.host}:${o.port} (${o.cpuPerRequestMs} ms CPU per request)`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
