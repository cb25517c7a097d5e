// A declarative keep-list of an object's fields, the type of what it keeps, and the in-place
// projection the informer applies to the objects it caches.

/** The element type of an array, else the type itself (a keep-list applies to each element). */
type Element<V> = V extends readonly (infer E)[] ? E : V;

/**
 * Which fields of a T to keep: `true` keeps a field whole; a nested list keeps only the fields it
 * names (in every element, when the field is an array). Fields not named are dropped.
 */
export type KeepList<T> = { readonly [K in keyof T]?: true | KeepList<Element<NonNullable<T[K]>>> };

/** What of a T a keep-list L keeps, with each field's optionality as in T. */
export type Kept<T, L> = L extends true
  ? T
  : T extends readonly (infer E)[]
    ? Kept<E, L>[]
    : T extends object
      ? { [K in keyof T as K extends keyof L ? K : never]: K extends keyof L ? Kept<T[K], L[K]> : never }
      : T;

/** Any keep-list, as the projection walks it. */
export interface AnyKeepList {
  readonly [key: string]: true | AnyKeepList | undefined;
}

/**
 * Drops in place every field of `obj` the keep-list does not name. Dropped fields are set to
 * undefined rather than deleted: the object keeps its shape, and V8 its fast properties.
 */
export function retainIn(obj: object, keep: AnyKeepList): void {
  const fields = obj as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === undefined) continue;
    const inner = keep[key];
    if (inner === undefined) fields[key] = undefined;
    else if (inner === true || typeof value !== 'object' || value === null) continue;
    else if (Array.isArray(value)) {
      for (const element of value)
        if (typeof element === 'object' && element !== null) retainIn(element, inner);
    } else retainIn(value, inner);
  }
}
