// Entry point of the node agent: `node agent/src/main.ts --help`.
import { exitOnConfigError } from '../../lib/config.ts';
import { createLogger } from '../../lib/log.ts';
import { parseAgentConfig } from './config.ts';
import { startAgent } from './start.ts';

async function main(): Promise<void> {
  const config = exitOnConfigError(() => parseAgentConfig(process.argv.slice(2)));
  const log = createLogger({ level: config.logLevel, name: 'kosmos-agent' });
  const running = await startAgent(config, { log });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping; pods keep their current allocations');
    running.stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`kosmos-agent: ${(err as Error).message}`);
  process.exit(1);
});
