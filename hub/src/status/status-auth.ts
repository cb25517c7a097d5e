// The optional bearer token of the status port (HubStatus): clients send `authorization: Bearer
// <token>` metadata (kosmosctl --token-file); the expected token is read from a file, re-read every
// minute so a rotated Secret needs no restart, and compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';

/** How often the token file is re-read. */
export const STATUS_TOKEN_REFRESH_MS = 60_000;

/** Why a call is refused, or undefined when it may proceed. */
export type StatusAuthorizer = (metadata: grpc.Metadata) => string | undefined;

function readToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read the status token file ${file}: ${(err as Error).message}`);
  }
  if (!text) throw new Error(`the status token file ${file} is empty: put the token kosmosctl sends in it`);
  return text;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Checks the bearer token against the one in `file`; throws at once when the file is unreadable or
 * empty. A later unreadable file keeps the last token (logged by the caller's next start-up, not here).
 */
export function bearerTokenAuthorizer(
  file: string,
  now: () => number = Date.now,
  refreshMs = STATUS_TOKEN_REFRESH_MS,
): StatusAuthorizer {
  let expected = digest(readToken(file));
  let readAtMs = now();
  return (metadata) => {
    if (now() - readAtMs >= refreshMs) {
      readAtMs = now();
      try {
        expected = digest(readToken(file));
      } catch {
        // keep the last good token: a Secret being rewritten is briefly empty
      }
    }
    const header = metadata.get('authorization')[0];
    const m = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header) : null;
    if (!m) return 'the hub’s status port requires a bearer token: kosmosctl --token-file <file>';
    return timingSafeEqual(digest(m[1]!.trim()), expected) ? undefined : 'invalid status token';
  };
}
