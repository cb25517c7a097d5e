import { describe, expect, it } from 'vitest';
import { fromLabelSelector, matches, parseSelector } from '../../../../hub/src/sla/label-selector.ts';

describe('label selectors', () => {
  it.each([
    { selector: 'app=web', labels: { app: 'web' }, match: true },
    { selector: 'app=web', labels: { app: 'api' }, match: false },
    { selector: 'app==web,tier!=db', labels: { app: 'web', tier: 'fe' }, match: true },
    { selector: 'app=web,tier!=db', labels: { app: 'web', tier: 'db' }, match: false },
    { selector: 'tier in (fe, be),app', labels: { app: 'x', tier: 'be' }, match: true },
    { selector: 'tier notin (fe,be)', labels: { tier: 'fe' }, match: false },
    { selector: '!canary', labels: { canary: 'yes' }, match: false },
    { selector: '', labels: { any: 'thing' }, match: true },
  ])('"$selector" on $labels → $match', (c) => {
    expect(matches(parseSelector(c.selector), c.labels as unknown as Record<string, string>)).toBe(c.match);
  });

  it('rejects a malformed selector with its text in the message', () => {
    expect(() => parseSelector('app=web,,x')).toThrow(/empty requirement/);
    expect(() => parseSelector('app in web')).toThrow(/cannot parse/);
  });

  it('converts a structured LabelSelector', () => {
    const reqs = fromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'x', operator: 'DoesNotExist' },
      ],
    });
    expect(matches(reqs, { app: 'web', tier: 'fe' })).toBe(true);
    expect(matches(reqs, { app: 'web', x: '1' })).toBe(false);
  });
});
