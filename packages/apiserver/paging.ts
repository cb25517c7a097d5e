// List chunking as the etcd3 storage does it: a continue token names the resourceVersion of the
// first page and the key after which the next page starts; every later page is read at that
// resourceVersion, and a token whose resourceVersion was compacted away is 410 with a fresh
// token (resourceVersion -1) that continues, inconsistently, at the newest state.
import { ApiError, badRequest } from './errors.ts';
import type { KObject } from './object-types.ts';

const TOKEN_VERSION = 'meta.k8s.io/v1';
/** A token that continues at the newest resourceVersion (the list is then not one snapshot). */
export const LATEST_RV = -1;

export interface ContinueToken {
  rv: number;
  /** The key of the last object of the previous page (`namespace/name`). */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  // The real token keeps the key with a trailing NUL: the first key after it.
  const body = { v: TOKEN_VERSION, rv: token.rv, start: `${token.start}\u0000` };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeContinue(encoded: string): ContinueToken {
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: invalid character in the continue token');
  }
  if (parsed?.v !== TOKEN_VERSION) {
    throw badRequest(
      `continue key is not valid: incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`,
    );
  }
  if (
    typeof parsed.rv !== 'number' ||
    parsed.rv === 0 ||
    typeof parsed.start !== 'string' ||
    parsed.start === ''
  ) {
    throw badRequest('continue key is not valid: encoded start key empty');
  }
  const start = parsed.start.endsWith('\u0000') ? parsed.start.slice(0, -1) : parsed.start;
  return { rv: parsed.rv, start };
}

/** 410 for a token whose snapshot is gone, carrying the token to continue at the newest state. */
export function continueExpired(token: ContinueToken): ApiError {
  const error = new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  error.listMeta = { continue: encodeContinue({ rv: LATEST_RV, start: token.start }) };
  return error;
}

export function keyOf(o: KObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export interface Page {
  items: KObject[];
  continue?: string;
  remainingItemCount?: number;
}

/**
 * One page of `items` (sorted by key) after `start`. remainingItemCount only when no selector
 * filtered the list, as etcd3 (it counts keys, not matches).
 */
export function pageOf(items: KObject[], rv: number, limit: number, start?: string, selected = false): Page {
  const rest = start === undefined ? items : items.filter((o) => keyOf(o) > start);
  if (limit <= 0 || rest.length <= limit) return { items: rest };
  const page = rest.slice(0, limit);
  return {
    items: page,
    continue: encodeContinue({ rv, start: keyOf(page.at(-1)!) }),
    ...(selected ? {} : { remainingItemCount: rest.length - limit }),
  };
}
