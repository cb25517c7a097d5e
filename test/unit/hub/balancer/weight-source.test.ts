// Weight sources: the SLA reference syntax and the in-hub source reading the StatusBoard.
import { describe, expect, it } from 'vitest';
import { balancerConfig } from '../../../../hub/src/balancer/config.ts';
import { boardWeightSource, parseSlaRef } from '../../../../hub/src/balancer/weight-source.ts';
import { StatusBoard } from '../../../../hub/src/status/status-board.ts';

describe('parseSlaRef', () => {
  it('reads namespace/name', () => {
    expect(parseSlaRef('shop/web')).toEqual({ namespace: 'shop', name: 'web' });
  });
  it.each(['web', 'a/b/c', '/web', 'shop/'])('rejects %j with the expected form', (text) => {
    expect(() => parseSlaRef(text)).toThrow(/<namespace>\/<name>/);
  });
});

describe('boardWeightSource', () => {
  it('returns the pods and weights the control loop published for the SLA, none before', async () => {
    const board = new StatusBoard();
    const source = boardWeightSource(board, { namespace: 'shop', name: 'web' });
    expect(await source.current()).toEqual([]);
    board.publishService({
      sla: { namespace: 'shop', name: 'web' },
      pods: [
        { namespace: 'shop', name: 'web-1', uid: 'u1', lbWeight: 256 },
        { namespace: 'shop', name: 'web-2', uid: 'u2', lbWeight: 26 },
      ],
    });
    board.publishService({
      sla: { namespace: 'shop', name: 'api' },
      pods: [{ namespace: 'shop', name: 'api-1', lbWeight: 1 }],
    });
    expect(await source.current()).toEqual([
      { namespace: 'shop', name: 'web-1', uid: 'u1', weight: 256 },
      { namespace: 'shop', name: 'web-2', uid: 'u2', weight: 26 },
    ]);
  });
});

describe('balancer sidecar options', () => {
  it('requires --backend and --sla and defaults the rest', () => {
    expect(() => balancerConfig.parse([], {})).toThrow(/--backend .*required.*--sla .*required/);
    const c = balancerConfig.parse(['--backend', 'web', '--sla', 'shop/web'], {});
    expect(c).toMatchObject({
      hub: 'kosmos-hub.kosmos-system.svc:7071',
      haproxySocket: '/var/run/haproxy/admin.sock',
      port: 8080,
      interval: 2000,
    });
  });
  it('takes KOSMOS_BALANCER_* environment variables', () => {
    const c = balancerConfig.parse([], {
      KOSMOS_BALANCER_BACKEND: 'b',
      KOSMOS_BALANCER_SLA: 'n/s',
      KOSMOS_BALANCER_INTERVAL: '500ms',
    });
    expect(c).toMatchObject({ backend: 'b', sla: 'n/s', interval: 500 });
  });
});
