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

  it('returns copies, so callers cannot change stored objects', () => {
    const s = new Store();
    s.put('/cm', obj('a'));
    const got = s.get('/cm', 'ns', 'a')!;
    got.metadata.labels = { x: 'y' };
    expect(s.get('/cm', 'ns', 'a')!.metadata.labels).toBeUndefined();
  });
});
