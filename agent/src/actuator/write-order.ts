// The order a tick tries its writes in: rotating, so a spent write budget delays every pod in turn.

/** The list starting at `offset` (mod its length) and wrapping around. */
export function rotated<T>(list: readonly T[], offset: number): T[] {
  if (list.length === 0) return [];
  const k = offset % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
