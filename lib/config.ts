// The one configuration loader: typed options from flags (commander, with --help) and environment
// variables, validated with errors that name the flag or variable and say what is allowed.
import { Command, CommanderError, Option } from 'commander';
import { parseDurationMs } from './duration.ts';
import { parseCpuMilli, parseMemoryBytes } from './quantity.ts';

/** 'cpu' parses a Kubernetes CPU quantity to milli-cores, 'memory' a memory quantity to bytes. */
export type OptionType = 'string' | 'int' | 'number' | 'bool' | 'duration' | 'enum' | 'cpu' | 'memory';

export interface OptionSpec {
  /** Long flag name without dashes, e.g. "hub-address" (→ --hub-address). */
  flag: string;
  /** Environment variable; default `${envPrefix}_${FLAG_IN_UPPER_SNAKE}` when envPrefix is set; false: none. */
  env?: string | false;
  type: OptionType;
  /** Value when neither flag nor env is given: string/number/boolean; durations as "30s" or ms. */
  default?: string | number | boolean;
  help: string;
  /** Allowed values of an enum. */
  choices?: readonly string[];
  /** Bounds of int / number / duration (ms) / cpu (milli) / memory (bytes) values. */
  min?: number;
  max?: number;
  /** Exclusive lower bound (e.g. 0 for a value that must be positive). */
  exclusiveMin?: number;
  /** Must be given (by flag or env) when there is no default. */
  required?: boolean;
  /** Values accepted once and refused now, each with what to use instead (the error says it). */
  retired?: Readonly<Record<string, string>>;
}

export interface ConfigDefinition<O extends Record<string, OptionSpec>> {
  name: string;
  description: string;
  /** Prefix of derived environment variables, e.g. "KOSMOS" → KOSMOS_HUB_ADDRESS. */
  envPrefix?: string;
  options: O;
}

type ValueOf<S extends OptionSpec> = S['type'] extends 'bool'
  ? boolean
  : S['type'] extends 'int' | 'number' | 'duration' | 'cpu' | 'memory'
    ? number
    : S['type'] extends 'enum'
      ? S['choices'] extends readonly (infer C)[]
        ? C
        : string
      : string;

/** Parsed values: durations in milliseconds; options with neither default nor required may be undefined. */
export type ConfigValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K] extends { default: string | number | boolean } | { required: true }
    ? ValueOf<O[K]>
    : ValueOf<O[K]> | undefined;
};

/** Invalid configuration: the message names the flag / env variable and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Thrown by parse() for --help; `text` is the help to print. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  readonly text: string;
  constructor(text: string) {
    super('help requested');
    this.text = text;
  }
}

export interface Config<O extends Record<string, OptionSpec>> {
  readonly definition: ConfigDefinition<O>;
  /** Flags (without node and script) and environment → validated values. */
  parse(argv?: readonly string[], env?: Record<string, string | undefined>): ConfigValues<O>;
  /** parse(), but prints help and exits 0 on --help, prints the error and exits 2 when invalid. */
  parseOrExit(argv?: readonly string[], env?: Record<string, string | undefined>): ConfigValues<O>;
  /** The --help text. */
  help(): string;
  /** The commander command behind parse() (exits and output overridden). */
  command(): Command;
  /** A Markdown table of every option with its env variable, type and default (for docs). */
  describe(): string;
  /** The value of one option's default, converted as parse() would (undefined: it has none). */
  defaultOf<K extends keyof O & string>(key: K): ConfigValues<O>[K] | undefined;
}

function envName<O extends Record<string, OptionSpec>>(
  def: ConfigDefinition<O>,
  spec: OptionSpec,
): string | undefined {
  if (spec.env === false) return undefined;
  if (spec.env) return spec.env;
  if (!def.envPrefix) return undefined;
  return `${def.envPrefix}_${spec.flag.replace(/-/g, '_').toUpperCase()}`;
}

function expectation(spec: OptionSpec): string {
  const bounds = [
    spec.exclusiveMin !== undefined ? `> ${spec.exclusiveMin}` : undefined,
    spec.min !== undefined && spec.max !== undefined ? `between ${spec.min} and ${spec.max}` : undefined,
    spec.min !== undefined && spec.max === undefined ? `>= ${spec.min}` : undefined,
    spec.max !== undefined && spec.min === undefined ? `<= ${spec.max}` : undefined,
  ].filter((b) => b !== undefined);
  const range = bounds.length > 0 ? ` ${bounds.join(' and ')}` : '';
  switch (spec.type) {
    case 'int':
      return `an integer${range}`;
    case 'number':
      return `a number${range}`;
    case 'bool':
      return 'true or false';
    case 'duration':
      return `a duration like 500ms, 30s, 5m or 1h${range ? ` (in ms${range})` : ''}`;
    case 'enum':
      return `one of: ${(spec.choices ?? []).join(', ')}`;
    case 'cpu':
      return `a CPU quantity like 250m or 0.5${range ? ` (in milli-cores${range})` : ''}`;
    case 'memory':
      return `a memory quantity like 256Mi or 1Gi${range ? ` (in bytes${range})` : ''}`;
    default:
      return 'a string';
  }
}

/** Milliseconds of a duration flag (lib/duration.ts grammar); negative durations are not options. */
function durationMs(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms < 0) throw new Error('not a duration');
  return ms;
}

function convert(spec: OptionSpec, raw: string | number | boolean): string | number | boolean {
  const text = String(raw).trim();
  let value: string | number | boolean;
  switch (spec.type) {
    case 'int':
    case 'number': {
      value = typeof raw === 'number' ? raw : text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value) || (spec.type === 'int' && !Number.isInteger(value))) throw new Error();
      break;
    }
    case 'duration':
      value = typeof raw === 'number' ? raw : durationMs(text);
      break;
    case 'cpu':
      value = parseCpuMilli(raw as string | number);
      break;
    case 'memory':
      value = parseMemoryBytes(raw as string | number);
      break;
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const lower = text.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return true;
      if (['false', '0', 'no', 'off'].includes(lower)) return false;
      throw new Error();
    }
    case 'enum':
      if (!(spec.choices ?? []).includes(text)) throw new Error();
      return text;
    default:
      return String(raw);
  }
  if (
    (spec.min !== undefined && value < spec.min) ||
    (spec.max !== undefined && value > spec.max) ||
    (spec.exclusiveMin !== undefined && value <= spec.exclusiveMin)
  )
    throw new Error();
  return value;
}

function formatDefault(spec: OptionSpec): string {
  if (spec.default === undefined) return spec.required ? '(required)' : '';
  return String(spec.default);
}

export function defineConfig<const O extends Record<string, OptionSpec>>(
  def: ConfigDefinition<O>,
): Config<O> {
  for (const [key, spec] of Object.entries(def.options)) {
    if (spec.type === 'enum' && !spec.choices?.length) throw new Error(`option ${key}: enum needs choices`);
    if (spec.default !== undefined) {
      try {
        convert(spec, spec.default);
      } catch {
        throw new Error(`option ${key}: default ${JSON.stringify(spec.default)} is not ${expectation(spec)}`);
      }
    }
  }

  const command = (): Command => {
    const cmd = new Command(def.name).description(def.description).exitOverride().allowExcessArguments(false);
    cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    for (const spec of Object.values(def.options)) {
      const env = envName(def, spec);
      const details = [spec.help];
      if (spec.type === 'enum') details.push(`(one of: ${spec.choices!.join(', ')})`);
      if (spec.default !== undefined) details.push(`(default: ${spec.default})`);
      if (env) details.push(`[env ${env}]`);
      const text = details.join(' ');
      if (spec.type === 'bool') {
        cmd.addOption(new Option(`--${spec.flag} [bool]`, text));
        cmd.addOption(new Option(`--no-${spec.flag}`, `Sets --${spec.flag}=false.`).hideHelp());
      } else {
        const arg =
          spec.type === 'enum'
            ? 'value'
            : spec.type === 'cpu' || spec.type === 'memory'
              ? 'quantity'
              : spec.type;
        cmd.addOption(new Option(`--${spec.flag} <${arg}>`, text));
      }
    }
    return cmd;
  };

  const parse = (argv: readonly string[] = process.argv.slice(2), env = process.env): ConfigValues<O> => {
    const cmd = command();
    try {
      cmd.parse([...argv], { from: 'user' });
    } catch (err) {
      if (err instanceof CommanderError) {
        if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') {
          throw new HelpRequested(cmd.helpInformation());
        }
        throw new ConfigError(`${err.message.replace(/^error: /, '')} (see --help)`);
      }
      throw err;
    }
    const flags = cmd.opts() as Record<string, string | boolean | undefined>;
    const out: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [key, spec] of Object.entries(def.options)) {
      const attr = spec.flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
      const envVar = envName(def, spec);
      const fromFlag = flags[attr];
      const fromEnv = envVar ? env[envVar] : undefined;
      let raw: string | number | boolean | undefined;
      let source: string;
      if (fromFlag !== undefined) {
        raw = fromFlag;
        source = `--${spec.flag}`;
      } else if (fromEnv !== undefined && fromEnv !== '') {
        raw = fromEnv;
        source = `env ${envVar}`;
      } else {
        raw = spec.default;
        source = 'default';
      }
      if (raw === undefined) {
        if (spec.required) {
          problems.push(`--${spec.flag}${envVar ? ` (or env ${envVar})` : ''} is required: ${spec.help}`);
        }
        out[key] = undefined;
        continue;
      }
      const retired = spec.retired?.[String(raw).trim()];
      if (retired !== undefined) {
        problems.push(`${source}=${String(raw).trim()} is no longer accepted: ${retired}`);
        continue;
      }
      try {
        out[key] = convert(spec, raw);
      } catch {
        problems.push(
          `invalid value ${JSON.stringify(String(raw))} for ${source}: expected ${expectation(spec)}`,
        );
      }
    }
    if (problems.length > 0) throw new ConfigError(`${def.name}: ${problems.join('; ')}`);
    return out as ConfigValues<O>;
  };

  return {
    definition: def,
    parse,
    parseOrExit: (argv, env) => exitOnConfigError(() => parse(argv, env)),
    help: () => command().helpInformation(),
    command,
    defaultOf(key) {
      const spec = def.options[key]!;
      return (
        spec.default === undefined ? undefined : convert(spec, spec.default)
      ) as ConfigValues<O>[typeof key];
    },
    describe() {
      const rows = Object.values(def.options).map((spec) => {
        const env = envName(def, spec);
        const type = spec.type === 'enum' ? spec.choices!.join(' \\| ') : spec.type;
        const cells = [`\`--${spec.flag}\``, env ? `\`${env}\`` : '', type, formatDefault(spec), spec.help];
        return `| ${cells.map((c) => c.replace(/\n/g, ' ')).join(' | ')} |`;
      });
      return ['| Flag | Env | Type | Default | Description |', '|---|---|---|---|---|', ...rows].join('\n');
    },
  };
}

/** Runs a parse: prints help and exits 0 on --help, prints the error and exits 2 when invalid. */
export function exitOnConfigError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(err.text);
      process.exit(0);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
