import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatLabelSelector,
  fromLabelSelectorObject,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../selectors.ts';

describe('label selectors', () => {
  it.each([
    ['app=web', { app: 'web' }, true],
    ['app=web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['env in (prod, staging)', { env: 'staging' }, true],
    ['env notin (prod)', { env: 'prod' }, false],
    ['env notin (prod)', {}, true],
    ['canary', { canary: '' }, true],
    ['!canary', { canary: 'x' }, false],
    ['app=web,env in (a,b),!legacy', { app: 'web', env: 'b' }, true],
    ['example.com/tier=front', { 'example.com/tier': 'front' }, true],
  ])('%s against %j → %s', (selector, labels, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('rejects an invalid label key with 400', () => {
    expect(() => parseLabelSelector('bad key!=x')).toThrow(/unable to parse requirement/);
  });

  it('round-trips matchLabels/matchExpressions through the query-string form', () => {
    const reqs = fromLabelSelectorObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['a', 'b'] },
        { key: 'old', operator: 'DoesNotExist' },
      ],
    });
    expect(formatLabelSelector(reqs)).toBe('app=web,env in (a,b),!old');
    expect(parseLabelSelector(formatLabelSelector(reqs))).toEqual(reqs);
  });

  it('an equality selector built from any labels matches exactly those labels', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    fc.assert(
      fc.property(fc.dictionary(key, key, { minKeys: 1 }), (labels) => {
        const sel = parseLabelSelector(formatLabelSelector(fromLabelSelectorObject({ matchLabels: labels })));
        return matchesLabels(sel, labels) && matchesLabels(sel, { ...labels, extra: 'x' });
      }),
    );
  });
});

describe('field selectors', () => {
  it('accepts the supported labels and operators', () => {
    expect(
      parseFieldSelector('spec.nodeName=n1,status.phase!=Failed', ['spec.nodeName', 'status.phase']),
    ).toEqual([
      { field: 'spec.nodeName', op: '=', value: 'n1' },
      { field: 'status.phase', op: '!=', value: 'Failed' },
    ]);
  });

  it('rejects an unsupported label', () => {
    expect(() => parseFieldSelector('spec.image=x', [])).toThrow(/field label not supported: spec.image/);
  });
});
