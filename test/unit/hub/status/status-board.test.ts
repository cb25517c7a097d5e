import { describe, expect, it } from 'vitest';
import { SloAttainment } from '../../../../hub/src/status/slo-attainment.ts';
import { StatusBoard } from '../../../../hub/src/status/status-board.ts';

describe('StatusBoard', () => {
  it('finds services by namespace and pods by name across services', () => {
    const b = new StatusBoard();
    b.publishService({ sla: { namespace: 'a', name: 'web' }, pods: [{ namespace: 'a', name: 'web-1' }] });
    b.publishService({ sla: { namespace: 'b', name: 'api' }, pods: [] });
    expect(b.services('a').map((s) => s.sla.name)).toEqual(['web']);
    expect(b.services().length).toBe(2);
    expect(b.pod('a', 'web-1')?.name).toBe('web-1');
    b.retainServices(new Set(['b/api']));
    expect(b.service('a', 'web')).toBeUndefined();
  });

  it('publishes decisions to subscribers and keeps a bounded history per SLA', () => {
    const b = new StatusBoard(2);
    const seen: string[] = [];
    const off = b.subscribe((d) => seen.push(d.summary ?? ''));
    for (const s of ['one', 'two', 'three']) b.publishDecision({ namespace: 'a', sla: 'web', summary: s });
    off();
    b.publishDecision({ namespace: 'a', sla: 'web', summary: 'four' });
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(b.recentDecisions('a', 'web').map((d) => d.summary)).toEqual(['three', 'four']);
  });
});

describe('SloAttainment', () => {
  it('counts only windows with a measurement and reports the met fraction', () => {
    const s = new SloAttainment(4);
    expect(s.ratio()).toBe(1);
    for (const rt of [0.1, 0.3, undefined, 0.15, 0.5, 0.1]) s.record(rt, 0.2);
    expect(s.ratio()).toBe(0.5);
  });
});
