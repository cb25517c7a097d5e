// Whether the agent lowers memory limits: the flag's choice until the API server refuses one, then
// never again in this process (the server's answer does not change while it runs).
import type { MemoryLimitDecrease } from './resize-plan.ts';
import { isMemoryDecreaseRejection } from './resizer.ts';

export class MemoryDecreaseMode {
  #mode: MemoryLimitDecrease;

  constructor(configured: MemoryLimitDecrease) {
    this.#mode = configured;
  }

  get current(): MemoryLimitDecrease {
    return this.#mode;
  }

  /** Takes a rejected resize's message; true when it switched the mode to 'forbidden'. */
  rejected(message: string): boolean {
    if (this.#mode !== 'allowed' || !isMemoryDecreaseRejection(message)) return false;
    this.#mode = 'forbidden';
    return true;
  }
}
