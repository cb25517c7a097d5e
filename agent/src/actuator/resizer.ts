// Edge: PATCH pods/{name}/resize (strategic merge, explicit content type) behind the Resizer
// interface, with expected API failures turned into values.
import * as k8s from '@kubernetes/client-node';
import { apiStatus, retryAfterOf } from '../../../lib/kube.ts';
import type { ResizePatchBody } from './resize-plan.ts';

export type ResizeFailure = 'not-found' | 'conflict' | 'rejected' | 'throttled' | 'error';

export type ResizeResult =
  | { ok: true; pod: k8s.V1Pod }
  | {
      ok: false;
      failure: ResizeFailure;
      status?: number;
      message: string;
      /** The server's Retry-After (429): do not patch this pod again before it passed. */
      retryAfterMs?: number;
    };

export interface Resizer {
  resize(namespace: string, name: string, body: ResizePatchBody): Promise<ResizeResult>;
}

export function resizeFailureOf(err: unknown): {
  failure: ResizeFailure;
  status?: number;
  message: string;
  retryAfterMs?: number;
} {
  const status = apiStatus(err);
  const body = (err as { body?: unknown }).body;
  let message = err instanceof Error ? err.message : String(err);
  if (typeof body === 'string') {
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      message = body || message;
    }
  } else if (body && typeof body === 'object' && 'message' in body) {
    message = String((body as { message: unknown }).message);
  }
  const failure: ResizeFailure =
    status === 404
      ? 'not-found'
      : status === 409
        ? 'conflict'
        : status === 422 || status === 403 || status === 400
          ? 'rejected'
          : status === 429
            ? 'throttled'
            : 'error';
  const retryAfterMs = status === 429 ? retryAfterOf(err) : undefined;
  return {
    failure,
    ...(status !== undefined ? { status } : {}),
    message,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** True when the server refused the patch because it lowers a memory limit (servers before 1.34). */
export function isMemoryDecreaseRejection(message: string): boolean {
  return /memory limits? cannot be decreased/i.test(message) || /decreas\w* memory limit/i.test(message);
}

export class KubeResizer implements Resizer {
  readonly #core: k8s.CoreV1Api;
  constructor(core: k8s.CoreV1Api) {
    this.#core = core;
  }

  async resize(namespace: string, name: string, body: ResizePatchBody): Promise<ResizeResult> {
    try {
      const pod = await this.#core.patchNamespacedPodResize(
        { name, namespace, body },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      );
      return { ok: true, pod };
    } catch (err) {
      return { ok: false, ...resizeFailureOf(err) };
    }
  }
}
