// Decisions logged when they change: under each id, a line is emitted only when the decision (by
// default all its fields) differs from the one last logged there, so a steady node logs nothing.

export class DecisionLog {
  readonly #last = new Map<string, string>();

  /** Emits `fields` unless `decision` is what was last logged under `id`; true when it emitted. */
  log(
    id: string,
    fields: Record<string, unknown>,
    emit: (fields: Record<string, unknown>) => void,
    decision: unknown = fields,
  ): boolean {
    const text = JSON.stringify(decision);
    if (this.#last.get(id) === text) return false;
    this.#last.set(id, text);
    emit(fields);
    return true;
  }

  /** Forgets the ids `keep` rejects (so a returning subject logs its decision again). */
  retain(keep: (id: string) => boolean): void {
    for (const id of this.#last.keys()) if (!keep(id)) this.#last.delete(id);
  }
}
