import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/log.ts';

function capture() {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
  });
  return { log: createLogger({ level: 'debug', destination: stream }), lines };
}

describe('createLogger', () => {
  it('writes a line whose err is a TypeError or ReferenceError at error, whatever level the call site chose', async () => {
    const { log, lines } = capture();
    const child = log.child({ component: 'writer' });
    child.warn(
      { err: new TypeError('api.patchNamespacedPodResize is not a function'), pod: 'a' },
      'resize failed',
    );
    child.info({ err: new ReferenceError('x is not defined') }, 'relist failed');
    log.warn(new TypeError('cannot read properties of undefined'), 'handler failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'resize failed'],
      ['error', 'relist failed'],
      ['error', 'handler failed'],
    ]);
    expect(lines[0]).toMatchObject({ component: 'writer', pod: 'a' });
    expect((lines[0]!.err as { type: string }).type).toBe('TypeError');
  });

  it('keeps the call site’s level for failures it expects: other errors, and fetch’s unreachable server', async () => {
    const { log, lines } = capture();
    log.warn({ err: new Error('429 Too Many Requests') }, 'write throttled');
    log.warn(
      { err: new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }) },
      'informer failed',
    );
    log.warn({ err: new TypeError('terminated', { cause: undefined }) }, 'watch ended');
    log.warn({ err: new RangeError('varint runs past the end of the message') }, 'report refused');
    log.info({ node: 'n1' }, 'agent connected');
    log.error({ err: new TypeError('x') }, 'already an error');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn', 'warn', 'warn', 'info', 'error']);
  });
});
