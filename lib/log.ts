// The one logger factory: pino JSON with stable field names. Components take a child logger
// ({ component, node, ... }) as a parameter instead of importing a singleton. A line below error
// whose `err` is a TypeError or ReferenceError (isDefect) is written at error: such an error is a
// defect (a method missing from the client, a field read off an undefined object), not the outage
// or refusal the call site expected, and error is the level an operator's alerts watch.
import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

export interface LogOptions {
  level?: string;
  name?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
}

const ERROR_LEVEL = 50;

/**
 * An error that reveals a defect in the code rather than a failure the code handles. Not one given a
 * cause, even an undefined one: fetch reports an unreachable server as TypeError('fetch failed',
 * { cause }) and a response cut off as TypeError('terminated', { cause }).
 */
export function isDefect(err: unknown): boolean {
  return (err instanceof TypeError || err instanceof ReferenceError) && !Object.hasOwn(err, 'cause');
}

export function createLogger(options: LogOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env['KOSMOS_LOG_LEVEL'] ?? 'info',
    base: options.name ? { app: options.name } : undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      logMethod(args, method, level) {
        const first = args[0] as { err?: unknown } | Error | undefined;
        if (level < ERROR_LEVEL && isDefect(first instanceof Error ? first : first?.err))
          return this.error(...(args as Parameters<Logger['error']>));
        return method.apply(this, args);
      },
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that drops everything: for pure-code tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
