import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isMemoryDecreaseRejection, resizeFailureOf } from '../../../../agent/src/actuator/resizer.ts';

describe('resize failures', () => {
  it.each([
    [404, 'not-found'],
    [409, 'conflict'],
    [422, 'rejected'],
    [500, 'error'],
  ])('HTTP %i is %s, with the server’s message', (code, failure) => {
    const err = new ApiException(code, 'msg', JSON.stringify({ message: `server says ${code}` }), {});
    expect(resizeFailureOf(err)).toEqual({ failure, status: code, message: `server says ${code}` });
  });

  it('recognises a server that refuses memory limit decreases', () => {
    expect(
      isMemoryDecreaseRejection(
        'spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be decreased',
      ),
    ).toBe(true);
    expect(isMemoryDecreaseRejection('cpu must be positive')).toBe(false);
  });
});
