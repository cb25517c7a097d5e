// Where each pod is scheduled, by uid (the pod informer's spec.nodeName), with a version per node
// that changes whenever a pod is placed on the node or leaves it: a node's reports naming the same
// pods as its last accepted one, at the same version, are still all its own without a lookup each.

/** A node's placement version: unchanged as long as the set of pods placed on it is. */
export type PlacementVersion = (node: string) => number;

export class PodPlacements {
  readonly #nodeOf = new Map<string, string>();
  /** Per node: its version (from one counter, so a version never comes back) and its pod count. */
  readonly #nodes = new Map<string, { version: number; pods: number }>();
  #counter = 0;

  /** The node the pod is placed on, undefined when unknown. */
  readonly nodeOf = (uid: string): string | undefined => this.#nodeOf.get(uid);

  /** 0 for a node with no pods placed on it. */
  readonly version: PlacementVersion = (node) => this.#nodes.get(node)?.version ?? 0;

  place(uid: string, node: string): void {
    const before = this.#nodeOf.get(uid);
    if (before === node) return;
    if (before !== undefined) this.#leave(before);
    this.#nodeOf.set(uid, node);
    const entry = this.#nodes.get(node);
    if (entry) {
      entry.version = ++this.#counter;
      entry.pods++;
    } else this.#nodes.set(node, { version: ++this.#counter, pods: 1 });
  }

  remove(uid: string): void {
    const before = this.#nodeOf.get(uid);
    if (before === undefined) return;
    this.#nodeOf.delete(uid);
    this.#leave(before);
  }

  #leave(node: string): void {
    const entry = this.#nodes.get(node);
    if (!entry) return;
    if (--entry.pods === 0) this.#nodes.delete(node);
    else entry.version = ++this.#counter;
  }
}
