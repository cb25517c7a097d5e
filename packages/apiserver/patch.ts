// Applies a PATCH body to the current object; the Content-Type picks the patch type, as on the
// real server (JSON patch, merge patch, strategic merge patch, server-side apply).
import jsonpatch from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, unsupportedMediaType } from './errors.ts';
import type { Json, KObject } from './object-types.ts';
import { mergeObject, mergePatch } from './strategic-merge.ts';

export const PatchType = {
  Json: 'application/json-patch+json',
  Merge: 'application/merge-patch+json',
  Strategic: 'application/strategic-merge-patch+json',
  Apply: 'application/apply-patch+yaml',
} as const;
export type PatchTypeName = (typeof PatchType)[keyof typeof PatchType];

export function patchTypeOf(contentType: string | undefined): PatchTypeName {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  for (const t of Object.values(PatchType)) if (t === base) return t;
  throw unsupportedMediaType(base || '(none)');
}

/** Parse the body of a patch request (YAML for apply, JSON otherwise). */
export function parsePatchBody(type: PatchTypeName, body: string): Json {
  try {
    return type === PatchType.Apply ? parseYaml(body) : JSON.parse(body);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/** Patched copy of `current`; `custom` resources don't accept strategic merge patches. */
export function applyPatch(current: KObject, type: PatchTypeName, patch: Json, custom: boolean): KObject {
  switch (type) {
    case PatchType.Json: {
      if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
      try {
        return jsonpatch.applyPatch(structuredClone(current), patch, true, true).newDocument as KObject;
      } catch (err) {
        throw new ApiError(
          422,
          'Invalid',
          `the server rejected our request due to an error in our request: ${(err as Error).message}`,
        );
      }
    }
    case PatchType.Merge:
      return mergePatch(current, patch);
    case PatchType.Strategic:
      if (custom) throw unsupportedMediaType(type);
      return mergeObject(current, patch);
    case PatchType.Apply:
      return custom ? mergePatch(current, patch) : mergeObject(current, patch);
  }
}
