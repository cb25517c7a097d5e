// Entry point of the balancer sidecar: HubStatus weights → HAProxy Runtime API, every --interval.
// Start-up errors exit with what to do; SIGTERM stops after the round in flight.
import { existsSync, readFileSync } from 'node:fs';
import { kubeClients, kubeConfigFor } from '../../../lib/kube.ts';
import { createLogger } from '../../../lib/log.ts';
import { channelTlsCredentials } from '../../../lib/tls.ts';
import { balancerConfig } from './config.ts';
import { HaproxyRuntime } from './haproxy-runtime.ts';
import { KubePodAddresses } from './pod-addresses.ts';
import { HubStatusWeightSource, parseSlaRef } from './weight-source.ts';
import { WeightSyncer } from './weight-syncer.ts';

function main(): void {
  const config = balancerConfig.parseOrExit();
  const log = createLogger({ level: config.logLevel, name: 'kosmos-balancer' });
  let sla: ReturnType<typeof parseSlaRef>;
  try {
    sla = parseSlaRef(config.sla);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  if (!existsSync(config.haproxySocket)) {
    log.warn(
      { socket: config.haproxySocket },
      'haproxy admin socket not there yet: is haproxy running with "stats socket <path> level admin" on a shared volume? retrying',
    );
  }
  const kc = kubeConfigFor({
    server: config.kubeServer,
    kubeconfig: config.kubeconfig,
    inCluster: !config.kubeServer && !config.kubeconfig && Boolean(process.env['KUBERNETES_SERVICE_HOST']),
  });
  if (config.hubTokenFile && !config.hubCaFile) {
    process.stderr.write('--hub-token-file needs --hub-ca-file: the token is sent over TLS only\n');
    process.exit(2);
  }
  const tokenFile = config.hubTokenFile;
  const source = new HubStatusWeightSource({
    address: config.hub,
    sla,
    ...(config.hubCaFile ? { credentials: channelTlsCredentials(config.hubCaFile) } : {}),
    ...(tokenFile ? { token: () => readFileSync(tokenFile, 'utf8').trim() } : {}),
  });
  const syncer = new WeightSyncer({
    source,
    addresses: new KubePodAddresses(kubeClients(kc).core),
    proxy: new HaproxyRuntime({ socketPath: config.haproxySocket }),
    backend: config.backend,
    port: config.port,
    log: log.child({ component: 'balancer', sla: config.sla, backend: config.backend }),
  });
  log.info(
    { hub: config.hub, sla: config.sla, backend: config.backend, intervalMs: config.interval },
    'starting',
  );
  syncer.start(config.interval);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    syncer.stop().then(() => {
      source.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main();
