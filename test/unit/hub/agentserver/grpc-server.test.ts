import { describe, expect, it } from 'vitest';
import { MESSAGE_BUFFER_POOL_BYTES, startGrpcServer } from '../../../../hub/src/agentserver/grpc-server.ts';

describe('startGrpcServer', () => {
  it('serves a report-sized (6 KiB) or directive-sized (4.4 KiB) message buffer from the shared pool, not an ArrayBuffer of its own', async () => {
    const running = await startGrpcServer('127.0.0.1', 0, []);
    try {
      for (const bytes of [6 * 1024, 4_438, 30 * 1024]) {
        const buf = Buffer.allocUnsafe(bytes);
        expect(buf.buffer.byteLength).toBe(MESSAGE_BUFFER_POOL_BYTES);
        expect(Buffer.concat([buf.subarray(0, 5), buf.subarray(5)]).buffer.byteLength).toBe(
          MESSAGE_BUFFER_POOL_BYTES,
        );
      }
    } finally {
      await running.stop();
    }
  });
});
