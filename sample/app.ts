// A sample HTTP service for trying kosmos: each request burns a fixed amount of CPU time (optionally
// after waiting on simulated I/O) and is recorded in the http_request_duration_seconds histogram
// served on /metrics. CPU work runs one request at a time from a FIFO queue, one per event-loop turn,
// so new connections are read while others wait: the histogram counts the time a request queued,
// as a server with an accept thread and a worker would.
import { createServer, type Server } from 'node:http';
import { Command, InvalidArgumentError } from 'commander';
import { Histogram, Registry } from 'prom-client';

export interface SampleAppOptions {
  port: number;
  host: string;
  cpuPerRequestMs: number;
  /** Time each request also waits on (simulated) I/O before its CPU work, ms (default 0). */
  ioWaitMs?: number;
  /** Name reported in the X-Backend header (lets a balancer test count the split). */
  name: string;
}

/** Burns `ms` of this thread's CPU time (not wall time: a throttled process takes longer). */
function burn(ms: number): void {
  if (ms <= 0) return;
  const cpuMicros = () => {
    const u = process.threadCpuUsage();
    return u.user + u.system;
  };
  const end = cpuMicros() + ms * 1000;
  while (cpuMicros() < end) {
    for (let i = 0; i < 2000; i++) {
      // busy: the point is to use CPU
    }
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
    const work = () => {
      burn(options.cpuPerRequestMs);
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': options.name });
      res.end(`${options.name}\n`);
      stop();
    };
    const io = options.ioWaitMs ?? 0;
    if (io > 0) setTimeout(() => enqueue(work), io);
    else enqueue(work);
  });
  const queue: (() => void)[] = [];
  let draining = false;
  const drainOne = () => {
    queue.shift()?.();
    if (queue.length > 0) setImmediate(drainOne);
    else draining = false;
  };
  const enqueue = (job: () => void) => {
    queue.push(job);
    if (!draining) {
      draining = true;
      setImmediate(drainOne);
    }
  };
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
    .option('--io-wait-ms <ms>', 'time each request waits on simulated I/O before its CPU work', positive, 0)
    .option('--name <name>', 'name returned in X-Backend', process.env['HOSTNAME'] ?? 'sample-app')
    .parse();
  const o = program.opts<{
    port: number;
    host: string;
    cpuPerRequestMs: number;
    ioWaitMs: number;
    name: string;
  }>();
  const server = await startSampleApp(o);
  console.log(
    `sample-app listening on ${o.host}:${o.port} (${o.cpuPerRequestMs} ms CPU, ${o.ioWaitMs} ms I/O per request)`,
  );
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
