// Fault injection for reliability tests: fail the next N requests matching a verb/resource with
// a given status, delay responses, and (through the watch hub) drop open watches.
import { ApiError } from './errors.ts';

export interface RequestMatch {
  /** get, list, watch, create, update, patch, delete, deletecollection; any when omitted. */
  verb?: string;
  /** `pods` (the resource itself), `pods/resize` (one subresource), `pods/*` (both). */
  resource?: string;
  namespace?: string;
  name?: string;
}

export interface FailRule extends RequestMatch {
  code: 409 | 410 | 429 | 500 | 503 | 504 | number;
  /** How many matching requests fail (default 1). */
  count?: number;
  message?: string;
  /** Retry-After of a 429 (header and Status details), seconds; default 1. */
  retryAfterSeconds?: number;
}

export interface DelayRule extends RequestMatch {
  ms: number;
  /** How many matching requests are delayed (default: all until cleared). */
  count?: number;
}

export interface RequestInfo {
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const REASONS: Record<number, string> = {
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function matches(m: RequestMatch, r: RequestInfo): boolean {
  if (m.verb && m.verb !== r.verb) return false;
  if (m.resource) {
    const full = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    if (m.resource !== full && m.resource !== `${r.resource}/*`) return false;
  }
  if (m.namespace && m.namespace !== r.namespace) return false;
  if (m.name && m.name !== r.name) return false;
  return true;
}

export class Faults {
  private fails: (FailRule & { left: number })[] = [];
  private delays: (DelayRule & { left: number })[] = [];

  /** Fail the next `count` matching requests with `code` (a real Status body). */
  failNext(rule: FailRule): void {
    this.fails.push({ ...rule, left: rule.count ?? 1 });
  }

  /** Delay matching responses by `ms`. */
  delay(rule: DelayRule): void {
    this.delays.push({ ...rule, left: rule.count ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.fails = [];
    this.delays = [];
  }

  /** The injected error for this request, consuming one use of the rule. */
  takeFailure(r: RequestInfo): ApiError | undefined {
    const rule = this.fails.find((f) => f.left > 0 && matches(f, r));
    if (!rule) return undefined;
    rule.left--;
    this.fails = this.fails.filter((f) => f.left > 0);
    const reason = REASONS[rule.code] ?? 'InternalError';
    const message = rule.message ?? `injected fault: ${reason} for ${r.verb} ${r.resource}`;
    return new ApiError(
      rule.code,
      reason,
      message,
      rule.code === 429 ? { retryAfterSeconds: rule.retryAfterSeconds ?? 1 } : undefined,
    );
  }

  /** Milliseconds to hold this request, consuming one use of the rule. */
  takeDelayMs(r: RequestInfo): number {
    const rule = this.delays.find((d) => d.left > 0 && matches(d, r));
    if (!rule) return 0;
    rule.left--;
    this.delays = this.delays.filter((d) => d.left > 0);
    return rule.ms;
  }
}
