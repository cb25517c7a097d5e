// Where the syncer gets the weights of one SLA's pods: the hub's StatusBoard (in-hub) or the
// HubStatus gRPC API (a sidecar next to the proxy). Both return what the hub last published.
import * as grpc from '@grpc/grpc-js';
import { kosmosProto } from '../../../lib/grpc/proto.ts';
import type { HubStatusClient } from '../../../proto/gen/kosmos/v1/HubStatus.ts';
import type { PodStatus } from '../../../proto/gen/kosmos/v1/PodStatus.ts';
import type { StatusBoard } from '../status/status-board.ts';

/** One pod of the service and its load-balancing weight (1..256; 0 = not computed yet). */
export interface PodWeight {
  namespace: string;
  name: string;
  uid: string;
  weight: number;
}

export interface WeightSource {
  /** The pods the hub tracks for the SLA now, with their weights. */
  current(): Promise<PodWeight[]>;
}

/** Identifies an SLA: "namespace/name". */
export interface SlaRef {
  namespace: string;
  name: string;
}

export function parseSlaRef(text: string): SlaRef {
  const parts = text.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new Error(`SLA "${text}" must be <namespace>/<name>, e.g. default/web`);
  }
  return { namespace: parts[0], name: parts[1] };
}

const podWeight = (p: PodStatus): PodWeight => ({
  namespace: p.namespace ?? '',
  name: p.name ?? '',
  uid: p.uid ?? '',
  weight: Number(p.lbWeight ?? 0),
});

/** In-hub: reads the StatusBoard the control loop publishes to. An SLA not (yet) published has no pods. */
export function boardWeightSource(board: StatusBoard, sla: SlaRef): WeightSource {
  return {
    current: async () => (board.service(sla.namespace, sla.name)?.pods ?? []).map(podWeight),
  };
}

/** The SLA is unknown to the hub (not created, or not reconciled yet). */
export class SlaNotFoundError extends Error {
  override name = 'SlaNotFoundError';
}

export interface HubStatusSourceOptions {
  /** host:port of the hub's status API. */
  address: string;
  sla: SlaRef;
  deadlineMs?: number;
  credentials?: grpc.ChannelCredentials;
  /** Bearer token of the status API, read at every call (a rotated file needs no restart). */
  token?: () => string;
}

/** Sidecar: asks the hub's HubStatus.GetService for the SLA's pods on every call. */
export class HubStatusWeightSource implements WeightSource {
  readonly #client: HubStatusClient;
  readonly #sla: SlaRef;
  readonly #deadlineMs: number;
  readonly #token: (() => string) | undefined;

  constructor(options: HubStatusSourceOptions) {
    this.#client = new (kosmosProto().kosmos.v1.HubStatus)(
      options.address,
      options.credentials ?? grpc.credentials.createInsecure(),
    );
    this.#sla = options.sla;
    this.#deadlineMs = options.deadlineMs ?? 5000;
    this.#token = options.token;
  }

  current(): Promise<PodWeight[]> {
    const metadata = new grpc.Metadata();
    if (this.#token) metadata.set('authorization', `Bearer ${this.#token()}`);
    return new Promise((resolve, reject) => {
      this.#client.GetService(
        { namespace: this.#sla.namespace, name: this.#sla.name },
        metadata,
        { deadline: Date.now() + this.#deadlineMs },
        (err, res) => {
          if (err?.code === grpc.status.NOT_FOUND) {
            reject(
              new SlaNotFoundError(`the hub does not know SLA ${this.#sla.namespace}/${this.#sla.name}`),
            );
          } else if (err || !res) {
            reject(err ?? new Error('empty GetService answer'));
          } else {
            resolve(res.pods.map(podWeight));
          }
        },
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}
