import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, defineConfig, HelpRequested } from '../../../lib/config.ts';

const config = defineConfig({
  name: 'kosmos-agent',
  description: 'Per-node agent.',
  envPrefix: 'KOSMOS',
  options: {
    hubAddress: { flag: 'hub-address', type: 'string', default: '127.0.0.1:7070', help: 'Hub gRPC address.' },
    nodeName: { flag: 'node-name', type: 'string', env: 'NODE_NAME', required: true, help: 'This node.' },
    port: { flag: 'port', type: 'int', default: 9100, min: 1, max: 65535, help: 'Metrics port.' },
    margin: { flag: 'margin', type: 'number', default: 0.1, min: 0, help: 'CPU margin.' },
    periodMs: { flag: 'period', type: 'duration', default: '1s', min: 100, help: 'Tick period.' },
    dryRun: { flag: 'dry-run', type: 'bool', default: false, help: 'Do not patch pods.' },
    policy: {
      flag: 'policy',
      type: 'enum',
      choices: ['proportional', 'minimum-first'],
      default: 'minimum-first',
      help: 'Contention policy.',
    },
    token: { flag: 'token', type: 'string', env: false, help: 'Optional token.' },
  },
});

const env = { NODE_NAME: 'node-1' };

describe('defineConfig', () => {
  it('returns typed defaults when nothing is given', () => {
    const cfg = config.parse([], env);
    expect(cfg).toEqual({
      hubAddress: '127.0.0.1:7070',
      nodeName: 'node-1',
      port: 9100,
      margin: 0.1,
      periodMs: 1000,
      dryRun: false,
      policy: 'minimum-first',
      token: undefined,
    });
    expectTypeOf(cfg.port).toEqualTypeOf<number>();
    expectTypeOf(cfg.policy).toEqualTypeOf<'proportional' | 'minimum-first'>();
    expectTypeOf(cfg.token).toEqualTypeOf<string | undefined>();
  });

  it('takes env over defaults and flags over env', () => {
    const fromEnv = config.parse([], {
      ...env,
      KOSMOS_HUB_ADDRESS: 'hub:1',
      KOSMOS_PORT: '8080',
      KOSMOS_DRY_RUN: 'yes',
    });
    expect(fromEnv).toMatchObject({ hubAddress: 'hub:1', port: 8080, dryRun: true });
    const fromFlag = config.parse(
      ['--hub-address', 'hub:2', '--port=9000', '--dry-run', '--period', '1m30s'],
      {
        ...env,
        KOSMOS_HUB_ADDRESS: 'hub:1',
      },
    );
    expect(fromFlag).toMatchObject({ hubAddress: 'hub:2', port: 9000, dryRun: true, periodMs: 90_000 });
  });

  it('accepts explicit and negated booleans', () => {
    expect(config.parse(['--dry-run=false'], env).dryRun).toBe(false);
    expect(config.parse(['--no-dry-run'], { ...env, KOSMOS_DRY_RUN: 'true' }).dryRun).toBe(false);
  });

  it.each([
    [['--port', 'abc'], 'invalid value "abc" for --port: expected an integer between 1 and 65535'],
    [['--port', '70000'], 'invalid value "70000" for --port'],
    [
      ['--policy', 'random'],
      'invalid value "random" for --policy: expected one of: proportional, minimum-first',
    ],
    [['--period', '10'], 'invalid value "10" for --period: expected a duration like 500ms, 30s, 5m or 1h'],
    [['--period', '50ms'], 'invalid value "50ms" for --period'],
    [['--period=-1s'], 'invalid value "-1s" for --period: expected a duration'],
    [['--period', '1d'], 'invalid value "1d" for --period: expected a duration'],
    [['--dry-run=maybe'], 'expected true or false'],
  ])('rejects %j naming the flag and what is allowed', (argv, message) => {
    expect(() => config.parse(argv, env)).toThrow(ConfigError);
    expect(() => config.parse(argv, env)).toThrow(message);
  });

  it('names the env variable when the bad value came from it', () => {
    expect(() => config.parse([], { ...env, KOSMOS_MARGIN: '-1' })).toThrow(
      'invalid value "-1" for env KOSMOS_MARGIN: expected a number >= 0',
    );
  });

  it('reports a missing required option with its flag and env', () => {
    expect(() => config.parse([], {})).toThrow('--node-name (or env NODE_NAME) is required');
  });

  it('rejects unknown flags and stray arguments', () => {
    expect(() => config.parse(['--prot', '1'], env)).toThrow(
      /unknown option '--prot'.*Did you mean --port\?/s,
    );
    expect(() => config.parse(['extra'], env)).toThrow(ConfigError);
  });

  it('--help yields the help text with defaults and env variables', () => {
    try {
      config.parse(['--help'], env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HelpRequested);
      const text = (err as HelpRequested).text.replace(/\s+/g, ' ');
      expect(text).toContain('Usage: kosmos-agent');
      expect(text).toContain('--hub-address <string>');
      expect(text).toContain('(default: 127.0.0.1:7070) [env KOSMOS_HUB_ADDRESS]');
      expect(text).toContain('(one of: proportional, minimum-first)');
    }
  });

  it('describe() renders the defaults table', () => {
    const table = config.describe().split('\n');
    expect(table[0]).toBe('| Flag | Env | Type | Default | Description |');
    expect(table).toContain('| `--port` | `KOSMOS_PORT` | int | 9100 | Metrics port. |');
    expect(table).toContain('| `--node-name` | `NODE_NAME` | string | (required) | This node. |');
    expect(table).toContain('| `--token` |  | string |  | Optional token. |');
  });

  it('refuses a definition whose default does not validate', () => {
    expect(() =>
      defineConfig({
        name: 'x',
        description: '',
        options: { p: { flag: 'p', type: 'int', default: 'abc', help: '' } },
      }),
    ).toThrow('option p: default "abc" is not an integer');
  });
});

describe('defineConfig quantities and exclusive bounds', () => {
  const sizes = defineConfig({
    name: 'sizes',
    description: '',
    envPrefix: 'T',
    options: {
      reserveCpuMilli: { flag: 'reserve-cpu', type: 'cpu', default: '10m', help: 'CPU.' },
      reserveMemoryBytes: { flag: 'reserve-memory', type: 'memory', default: '4Mi', help: 'Memory.' },
      qps: { flag: 'qps', type: 'number', default: 10, exclusiveMin: 0, help: 'Rate.' },
    },
  });

  it('parses CPU to milli-cores and memory to bytes, defaults included', () => {
    expect(sizes.parse([], {})).toEqual({ reserveCpuMilli: 10, reserveMemoryBytes: 4 * 2 ** 20, qps: 10 });
    expect(sizes.parse(['--reserve-cpu=0.5'], { T_RESERVE_MEMORY: '1Gi' })).toMatchObject({
      reserveCpuMilli: 500,
      reserveMemoryBytes: 2 ** 30,
    });
    expectTypeOf(sizes.parse([], {}).reserveCpuMilli).toEqualTypeOf<number>();
  });

  it.each([
    [
      ['--reserve-cpu=lots'],
      'invalid value "lots" for --reserve-cpu: expected a CPU quantity like 250m or 0.5',
    ],
    [['--reserve-memory=big'], 'expected a memory quantity like 256Mi or 1Gi'],
    [['--qps=0'], 'invalid value "0" for --qps: expected a number > 0'],
  ])('rejects %j saying what is allowed', (argv, message) => {
    expect(() => sizes.parse(argv, {})).toThrow(message);
  });
});
