// SLO attainment: the fraction of recent windows (with traffic) whose response time met the objective. Pure.

export class SloAttainment {
  readonly #windows: boolean[] = [];
  readonly #capacity: number;

  constructor(capacity = 300) {
    this.#capacity = capacity;
  }

  /** Records one window; windows without a measured response time are not counted. */
  record(responseSeconds: number | undefined, objectiveSeconds: number): void {
    if (responseSeconds === undefined) return;
    this.#windows.push(responseSeconds <= objectiveSeconds);
    if (this.#windows.length > this.#capacity) this.#windows.shift();
  }

  /** 1 when nothing was measured yet (no evidence of violation). */
  ratio(): number {
    if (this.#windows.length === 0) return 1;
    return this.#windows.filter(Boolean).length / this.#windows.length;
  }
}
