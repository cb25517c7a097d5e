// The agent's side of AgentHub.Connect behind a small interface: send a report, learn the hub's
// latest directive, know whether the hub is there.
import type { NodeDirective__Output } from '../../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { NodeReport } from '../../../proto/gen/kosmos/v1/NodeReport.ts';

export type HubState = 'connecting' | 'connected' | 'disconnected' | 'standalone';

export interface HubLink {
  start(): void;
  stop(): Promise<void>;
  state(): HubState;
  /** Sends a full snapshot; false when it could not be sent (no stream). */
  send(report: NodeReport): boolean;
  /**
   * The newest directive not yet taken, waiting up to `timeoutMs` for one answering `sequence`.
   * Undefined when the hub sent nothing new (fail-static: keep the last allocations).
   */
  takeDirective(sequence: number, timeoutMs: number): Promise<NodeDirective__Output | undefined>;
  /** True once after the stream came back from an outage (for NodeReport.hub_was_unreachable). */
  takeReconnected(): boolean;
  /** Milliseconds since the hub was last connected; 0 while connected. */
  disconnectedForMs(): number;
}

/** Standalone mode: no hub; reports go to the logs only and no directive ever arrives. */
export class StandaloneHubLink implements HubLink {
  readonly #onReport: (report: NodeReport) => void;
  constructor(onReport: (report: NodeReport) => void) {
    this.#onReport = onReport;
  }
  start(): void {}
  async stop(): Promise<void> {}
  state(): HubState {
    return 'standalone';
  }
  send(report: NodeReport): boolean {
    this.#onReport(report);
    return true;
  }
  async takeDirective(): Promise<NodeDirective__Output | undefined> {
    return undefined;
  }
  takeReconnected(): boolean {
    return false;
  }
  disconnectedForMs(): number {
    return 0;
  }
}
