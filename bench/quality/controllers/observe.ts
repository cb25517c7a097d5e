// The period timer the baseline adapters act on.

/** Period a controller acts on: true every `periodSeconds` since its first call. */
export class Every {
  readonly periodSeconds: number;
  private next: number | undefined;

  constructor(periodSeconds: number) {
    this.periodSeconds = periodSeconds;
  }

  due(nowSeconds: number): boolean {
    if (this.next === undefined) this.next = nowSeconds;
    if (nowSeconds + 1e-9 < this.next) return false;
    this.next +=
      this.periodSeconds * Math.max(1, Math.floor((nowSeconds - this.next) / this.periodSeconds) + 1);
    return true;
  }
}
