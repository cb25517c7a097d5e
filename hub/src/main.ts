// Entry point of the hub process: parse flags, start the hub, stop cleanly (releasing the Lease)
// on SIGTERM/SIGINT. Start-up errors exit 1 with what to do.
import { exitOnConfigError } from '../../lib/config.ts';
import { createLogger } from '../../lib/log.ts';
import { parseHubConfig } from './config.ts';
import { startHub } from './hub.ts';

async function main(): Promise<void> {
  const config = exitOnConfigError(() => parseHubConfig(process.argv.slice(2)));
  const log = createLogger({ level: config.logLevel, name: 'kosmos-hub' });
  let hub: Awaited<ReturnType<typeof startHub>>;
  try {
    hub = await startHub({ config, log });
  } catch (err) {
    log.fatal(
      { err },
      'hub failed to start: check --kube-server/--kubeconfig, that the CRDs are installed, and that the ports are free',
    );
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    hub.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
