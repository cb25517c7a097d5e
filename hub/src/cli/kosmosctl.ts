#!/usr/bin/env node
// kosmosctl: reads the hub's status API. `status`, `service <ns>/<name>`, `pod <ns>/<name>`, `watch`.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Command, Option } from 'commander';
import { kosmosProto } from '../../../lib/grpc/proto.ts';
import { channelTlsCredentials } from '../../../lib/tls.ts';
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
  caFile?: string;
  tlsServerName?: string;
  tokenFile?: string;
  allowPlaintextToken?: boolean;
}

type Out = (line: string) => void;

function splitRef(ref: string, what: string): { namespace: string; name: string } {
  const [namespace, name, extra] = ref.split('/');
  if (!namespace || !name || extra !== undefined)
    throw new Error(`expected <namespace>/<${what}>, got "${ref}"`);
  return { namespace, name };
}

/** The bearer token of --token-file as call metadata (empty without one). */
function tokenMetadata(o: GlobalOptions): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (!o.tokenFile) return metadata;
  if (!o.caFile && !o.allowPlaintextToken) {
    throw new Error(
      '--token-file without --ca-file would send the token in plaintext: give --ca-file (the CA of the hub’s certificate), or --allow-plaintext-token on a trusted path',
    );
  }
  let token: string;
  try {
    token = readFileSync(o.tokenFile, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read --token-file ${o.tokenFile}: ${(err as Error).message}`);
  }
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function call<T>(
  fn: (
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, v?: T) => void,
  ) => void,
  o: GlobalOptions,
) {
  return new Promise<T>((resolve, reject) =>
    fn(tokenMetadata(o), { deadline: Date.now() + o.timeout }, (err, v) => {
      if (!err) return resolve(v as T);
      if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED) {
        reject(
          new Error(
            `cannot reach the hub at ${o.hub} (${err.details}); set --hub or KOSMOSCTL_HUB (and --ca-file when the hub serves TLS)`,
          ),
        );
      } else if (err.code === grpc.status.UNAUTHENTICATED) {
        reject(new Error(`${err.details} (--token-file, env KOSMOSCTL_TOKEN_FILE)`));
      } else reject(new Error(err.details || err.message));
    }),
  );
}

export function kosmosctl(out: Out = (l) => console.log(l)): { program: Command; done: () => void } {
  let client: HubStatusClient | undefined;
  const connect = (o: GlobalOptions): HubStatusClient => {
    const credentials = o.caFile ? channelTlsCredentials(o.caFile) : grpc.credentials.createInsecure();
    // Through a port-forward the address is 127.0.0.1 but the certificate names the Service.
    const options = o.tlsServerName ? { 'grpc.ssl_target_name_override': o.tlsServerName } : {};
    client ??= new (kosmosProto().kosmos.v1.HubStatus)(o.hub, credentials, options);
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
    .addOption(
      new Option(
        '--ca-file <file>',
        'PEM CA of the hub’s certificate: connect over TLS and verify the hub',
      ).env('KOSMOSCTL_CA_FILE'),
    )
    .addOption(
      new Option(
        '--tls-server-name <name>',
        'name the hub’s certificate must carry when it differs from --hub (port-forward: kosmos-hub.kosmos-system.svc)',
      ).env('KOSMOSCTL_TLS_SERVER_NAME'),
    )
    .addOption(
      new Option(
        '--token-file <file>',
        'file holding the bearer token the hub asks for (hub --status-token-file)',
      ).env('KOSMOSCTL_TOKEN_FILE'),
    )
    .addOption(
      new Option('--allow-plaintext-token', 'send --token-file without TLS (anyone on the path can read it)'),
    )
    .showHelpAfterError();

  program
    .command('status')
    .description('list every ServiceLevelAgreement with its objective, observation and replicas')
    .option('-n, --namespace <ns>', 'only this namespace', '')
    .action(async (cmd: { namespace: string }) => {
      const o = program.opts<GlobalOptions>();
      const r = await call<ListSlasResponse__Output>(
        (md, opts, cb) => connect(o).listSlas({ namespace: cmd.namespace }, md, opts, cb),
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
        (md, opts, cb) => connect(o).getService(splitRef(ref, 'sla'), md, opts, cb),
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
        (md, opts, cb) => connect(o).getPod(splitRef(ref, 'pod'), md, opts, cb),
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
      const stream = connect(o).watchDecisions({ namespace: cmd.namespace }, tokenMetadata(o));
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
