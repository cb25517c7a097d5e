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
    if (!this.changed(id, decision)) return false;
    emit(fields);
    return true;
  }

  /** Records `decision` under `id`; true when it differs from the one recorded there before. */
  changed(id: string, decision: unknown): boolean {
    const text = JSON.stringify(decision);
    if (this.#last.get(id) === text) return false;
    this.#last.set(id, text);
    return true;
  }

  /** Forgets the ids `keep` rejects (so a returning subject logs its decision again). */
  retain(keep: (id: string) => boolean): void {
    for (const id of this.#last.keys()) if (!keep(id)) this.#last.delete(id);
  }
}
