import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors.ts';
import { parseFieldSelector, parseLabelSelector } from '../../selectors.ts';

describe('label selectors in a request', () => {
  it('a selector the grammar refuses is a 400 with the parser message', () => {
    let caught: unknown;
    try {
      parseLabelSelector('bad key!=x');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).code).toBe(400);
    expect((caught as ApiError).message).toMatch(/unable to parse requirement/);
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
