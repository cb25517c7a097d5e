// The one logger factory: pino JSON with stable field names. Components take a child logger
// ({ component, node, ... }) as a parameter instead of importing a singleton.
import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

export interface LogOptions {
  level?: string;
  name?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LogOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env['KOSMOS_LOG_LEVEL'] ?? 'info',
    base: options.name ? { app: options.name } : undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that drops everything: for pure-code tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
