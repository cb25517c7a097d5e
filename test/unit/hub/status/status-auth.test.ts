import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerTokenAuthorizer } from '../../../../hub/src/status/status-auth.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function tokenFile(text: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'kosmos-status-auth-'));
  const file = join(dir, 'token');
  writeFileSync(file, text);
  return file;
}

const withHeader = (value?: string) => {
  const m = new grpc.Metadata();
  if (value !== undefined) m.set('authorization', value);
  return m;
};

describe('status bearer token', () => {
  it.each([
    { header: 'Bearer s3cret', verdict: undefined },
    { header: 'bearer s3cret ', verdict: undefined },
    { header: 'Bearer guess', verdict: 'invalid status token' },
    { header: 'Basic czNjcmV0', verdict: /requires a bearer token/ },
    { header: undefined, verdict: /requires a bearer token/ },
  ])('$header → $verdict', ({ header, verdict }) => {
    const authorize = bearerTokenAuthorizer(tokenFile('s3cret\n'));
    const why = authorize(withHeader(header));
    if (verdict === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(verdict);
  });

  it('re-reads the file after the refresh period, keeping the last token while the file is empty', () => {
    let now = 0;
    const file = tokenFile('old');
    const authorize = bearerTokenAuthorizer(file, () => now, 60_000);
    writeFileSync(file, 'new');
    expect(authorize(withHeader('Bearer old'))).toBeUndefined();
    now = 60_000;
    expect(authorize(withHeader('Bearer new'))).toBeUndefined();
    expect(authorize(withHeader('Bearer old'))).toBe('invalid status token');
    writeFileSync(file, '');
    now = 120_000;
    expect(authorize(withHeader('Bearer new'))).toBeUndefined();
  });

  it('refuses to start with an empty or missing file', () => {
    expect(() => bearerTokenAuthorizer(tokenFile(''))).toThrow(/is empty/);
    expect(() => bearerTokenAuthorizer('/nonexistent/token')).toThrow(/cannot read the status token file/);
  });
});
