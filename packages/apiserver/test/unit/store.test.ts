import { describe, expect, it } from 'vitest';
import type { KObject } from '../../object-types.ts';
import { Store, type StoreEvent } from '../../store.ts';

const obj = (name: string): KObject => ({ metadata: { name, namespace: 'ns' } });

describe('store', () => {
  it('assigns increasing resourceVersions and replays events after a given one', () => {
    const s = new Store({ initialResourceVersion: 0 });
    const a = s.put('/cm', obj('a'));
    s.put('/cm', obj('b'));
    s.remove('/cm', 'ns', 'a');
    expect(a.metadata.resourceVersion).toBe('1');
    const seen: StoreEvent[] = [];
    s.watch('/cm', 1, (ev) => seen.push(ev));
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name} ${e.rv}`)).toEqual([
      'ADDED b 2',
      'DELETED a 3',
    ]);
  });

  it('answers 410 for a resourceVersion older than the kept history', () => {
    const s = new Store({ watchHistory: 2, initialResourceVersion: 0 });
    for (const n of ['a', 'b', 'c', 'd']) s.put('/cm', obj(n));
    expect(() => s.watch('/cm', 1, () => {})).toThrow(/too old resource version: 1/);
    expect(() => s.watch('/cm', 2, () => {})).not.toThrow();
  });

  it('compacts events older than the history age (as etcd), so a watch or list from before is 410', () => {
    let nowMs = 0;
    const s = new Store({ watchHistoryMs: 300_000, initialResourceVersion: 0, now: () => nowMs });
    s.put('/cm', obj('a')); // rv 1
    nowMs = 200_000;
    s.put('/cm', obj('b')); // rv 2
    nowMs = 301_000; // rv 2's event is 101 s old, rv 1's 301 s: only rv 1 is gone
    expect(() => s.watch('/cm', 0, () => {})).toThrow(/too old resource version: 0 \(2\)/);
    const seen: number[] = [];
    s.watch('/cm', 1, (ev) => seen.push(ev.rv));
    expect(seen).toEqual([2]);
    expect(s.listAt('/cm', 1).map((o) => o.metadata.name)).toEqual(['a']);
    nowMs = 501_000;
    expect(() => s.listAt('/cm', 1)).toThrow(/too old/);
    // Nothing changed since rv 2: resuming from it stays possible, however old (as etcd).
    expect(() => s.watch('/cm', 2, () => {})).not.toThrow();
  });

  it('returns copies, so callers cannot change stored objects', () => {
    const s = new Store();
    s.put('/cm', obj('a'));
    const got = s.get('/cm', 'ns', 'a')!;
    got.metadata.labels = { x: 'y' };
    expect(s.get('/cm', 'ns', 'a')!.metadata.labels).toBeUndefined();
  });
});
