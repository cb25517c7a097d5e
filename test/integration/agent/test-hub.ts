// A test AgentHub server on loopback (real grpc-js): records hellos and reports and answers each
// report with the directive the test chooses. It can go away and come back on the same port.
import * as grpc from '@grpc/grpc-js';
import { kosmosProto } from '../../../lib/grpc/proto.ts';
import type { AgentMessage__Output } from '../../../proto/gen/kosmos/v1/AgentMessage.ts';
import type { Hello__Output } from '../../../proto/gen/kosmos/v1/Hello.ts';
import type { HubMessage } from '../../../proto/gen/kosmos/v1/HubMessage.ts';
import type { NodeDirective } from '../../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { NodeReport__Output } from '../../../proto/gen/kosmos/v1/NodeReport.ts';

export type DirectiveFn = (report: NodeReport__Output) => Omit<NodeDirective, 'inReplyTo' | 'nodeName'>;

export class TestHub {
  readonly hellos: Hello__Output[] = [];
  readonly reports: NodeReport__Output[] = [];
  directive: DirectiveFn = () => ({ pods: [] });
  port = 0;
  #server: grpc.Server | undefined;

  async start(port = 0): Promise<void> {
    const server = new grpc.Server();
    server.addService(kosmosProto().kosmos.v1.AgentHub.service, {
      Connect: (call: grpc.ServerDuplexStream<AgentMessage__Output, HubMessage>) => {
        call.on('data', (msg: AgentMessage__Output) => {
          if (msg.body === 'hello' && msg.hello) {
            this.hellos.push(msg.hello);
            call.write({ welcome: { protocolVersion: 1, hubId: 'test-hub', tickPeriodMs: 100 } });
          } else if (msg.body === 'report' && msg.report) {
            this.reports.push(msg.report);
            const d = this.directive(msg.report);
            call.write({
              directive: { ...d, nodeName: msg.report.nodeName, inReplyTo: msg.report.sequence },
            });
          }
        });
        call.on('error', () => {});
        call.on('end', () => call.end());
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    this.#server = server;
  }

  /** The hub goes away abruptly: every stream is cut. */
  stop(): void {
    this.#server?.forceShutdown();
    this.#server = undefined;
  }

  lastReport(): NodeReport__Output | undefined {
    return this.reports.at(-1);
  }
}
