import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatLabelSelector,
  fromLabelSelector,
  matchesLabels,
  parseLabelSelector,
  SelectorError,
} from '../../../lib/label-selector.ts';

describe('label selectors', () => {
  it.each([
    { selector: 'app=web', labels: { app: 'web' }, match: true },
    { selector: 'app=web', labels: { app: 'api' }, match: false },
    { selector: 'app==web,tier!=db', labels: { app: 'web', tier: 'fe' }, match: true },
    { selector: 'app=web,tier!=db', labels: { app: 'web', tier: 'db' }, match: false },
    { selector: 'app!=web', labels: {}, match: true },
    { selector: 'tier in (fe, be),app', labels: { app: 'x', tier: 'be' }, match: true },
    { selector: 'tier notin (fe,be)', labels: { tier: 'fe' }, match: false },
    { selector: 'env notin (prod)', labels: {}, match: true },
    { selector: 'canary', labels: { canary: '' }, match: true },
    { selector: '!canary', labels: { canary: 'yes' }, match: false },
    { selector: 'app=web,env in (a,b),!legacy', labels: { app: 'web', env: 'b' }, match: true },
    { selector: 'example.com/tier=front', labels: { 'example.com/tier': 'front' }, match: true },
    { selector: '', labels: { any: 'thing' }, match: true },
  ])('"$selector" on $labels → $match', (c) => {
    expect(matchesLabels(parseLabelSelector(c.selector), c.labels as Record<string, string>)).toBe(c.match);
  });

  it.each([
    ['app=web,,x', /found '', expected: identifier/],
    ['app in web', /invalid label key "app in web"/],
    ['bad key!=x', /invalid label key/],
    ['env in ()', /values set can't be empty/],
    ['app=-web', /a valid label must be an empty string/],
  ])('refuses %s as the Kubernetes parser does', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });

  it('converts a structured LabelSelector, refusing unknown operators', () => {
    const reqs = fromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'x', operator: 'DoesNotExist' },
      ],
    });
    expect(matchesLabels(reqs, { app: 'web', tier: 'fe' })).toBe(true);
    expect(matchesLabels(reqs, { app: 'web', x: '1' })).toBe(false);
    expect(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toThrow(
      /"Near" is not a valid label selector operator/,
    );
  });

  it('round-trips matchLabels/matchExpressions through the string form', () => {
    const reqs = fromLabelSelector({
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
        const sel = parseLabelSelector(formatLabelSelector(fromLabelSelector({ matchLabels: labels })));
        return matchesLabels(sel, labels) && matchesLabels(sel, { ...labels, extra: 'x' });
      }),
    );
  });
});
