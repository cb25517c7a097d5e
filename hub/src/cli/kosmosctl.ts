#!/usr/bin/env node
// kosmosctl: reads the hub's status API. `status`, `service <ns>/<name>`, `pod <ns>/<name>`, `watch`.
import * as grpc from '@grpc/grpc-js';
import { Command, Option } from 'commander';
import { kosmosProto } from '../../../lib/grpc/proto.ts';
import type { HubStatusClient } from '../../../proto/gen/kosmos/v1/HubStatus.ts';
import type { ListSlasResponse__Output } from '../../../proto/gen/kosmos/v1/ListSlasResponse.ts';
import type { PodStatus__Output } from '../../../proto/gen/kosmos/v1/PodStatus.ts';
import type { ServiceStatus__Output } from '../../../proto/gen/kosmos/v1/ServiceStatus.ts';
import { formatDecision, formatPod, formatService, formatSlas } from './format.ts';

export const DEFAULT_HUB = '127.0.0.1:7071';

interface GlobalOptions {
  hub: string;
  output: 'table' | 'json';
  timeout: number;
}

type Out = (line: string) => void;

function splitRef(ref: string, what: string): { namespace: string; name: string } {
  const [namespace, name, extra] = ref.split('/');
  if (!namespace || !name || extra !== undefined)
    throw new Error(`expected <namespace>/<${what}>, got "${ref}"`);
  return { namespace, name };
}

function call<T>(
  fn: (deadline: grpc.CallOptions, cb: (err: grpc.ServiceError | null, v?: T) => void) => void,
  o: GlobalOptions,
) {
  return new Promise<T>((resolve, reject) =>
    fn({ deadline: Date.now() + o.timeout }, (err, v) => {
      if (!err) return resolve(v as T);
      if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED) {
        reject(new Error(`cannot reach the hub at ${o.hub} (${err.details}); set --hub or KOSMOSCTL_HUB`));
      } else reject(new Error(err.details || err.message));
    }),
  );
}

export function kosmosctl(out: Out = (l) => console.log(l)): { program: Command; done: () => void } {
  let client: HubStatusClient | undefined;
  const connect = (o: GlobalOptions): HubStatusClient => {
    client ??= new (kosmosProto().kosmos.v1.HubStatus)(o.hub, grpc.credentials.createInsecure());
    return client;
  };
  const print = (o: GlobalOptions, value: unknown, table: () => string) =>
    out(o.output === 'json' ? JSON.stringify(value, null, 2) : table());

  const program = new Command('kosmosctl')
    .description('Inspect the kosmos hub: SLAs, services, pods and scaling decisions.')
    .addOption(
      new Option('--hub <address>', 'hub status address host:port').env('KOSMOSCTL_HUB').default(DEFAULT_HUB),
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(
      new Option('--timeout <ms>', 'request timeout in milliseconds').default(5000).argParser(Number),
    )
    .showHelpAfterError();

  program
    .command('status')
    .description('list every ServiceLevelAgreement with its objective, observation and replicas')
    .option('-n, --namespace <ns>', 'only this namespace', '')
    .action(async (cmd: { namespace: string }) => {
      const o = program.opts<GlobalOptions>();
      const r = await call<ListSlasResponse__Output>(
        (opts, cb) => connect(o).listSlas({ namespace: cmd.namespace }, opts, cb),
        o,
      );
      print(o, r, () => formatSlas(r));
    });
  program
    .command('service <ref>')
    .description('one SLA (<namespace>/<name>) with its pods and recent decisions')
    .action(async (ref: string) => {
      const o = program.opts<GlobalOptions>();
      const r = await call<ServiceStatus__Output>(
        (opts, cb) => connect(o).getService(splitRef(ref, 'sla'), opts, cb),
        o,
      );
      print(o, r, () => formatService(r));
    });
  program
    .command('pod <ref>')
    .description('one tracked pod (<namespace>/<name>): desired, enacted, capped, usage')
    .action(async (ref: string) => {
      const o = program.opts<GlobalOptions>();
      const r = await call<PodStatus__Output>(
        (opts, cb) => connect(o).getPod(splitRef(ref, 'pod'), opts, cb),
        o,
      );
      print(o, r, () => formatPod(r));
    });
  program
    .command('watch')
    .description('stream scaling decisions as the hub makes them (Ctrl-C to stop)')
    .option('-n, --namespace <ns>', 'only this namespace', '')
    .action(async (cmd: { namespace: string }) => {
      const o = program.opts<GlobalOptions>();
      const stream = connect(o).watchDecisions({ namespace: cmd.namespace });
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (d) => out(o.output === 'json' ? JSON.stringify(d) : formatDecision(d)));
        stream.on('error', (err: grpc.ServiceError) =>
          err.code === grpc.status.CANCELLED ? resolve() : reject(new Error(`watch failed: ${err.details}`)),
        );
        stream.on('end', resolve);
        process.once('SIGINT', () => stream.cancel());
      });
    });
  return { program, done: () => client?.close() };
}

async function main(): Promise<void> {
  const { program, done } = kosmosctl();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    done();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/kosmosctl')) await main();
