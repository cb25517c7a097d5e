import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../agent/src/config.ts';

const env = {};

describe('parseAgentConfig', () => {
  it('applies the documented defaults', () => {
    const c = parseAgentConfig(['--node-name=n1'], env);
    expect(c).toMatchObject({
      nodeName: 'n1',
      tickMs: 1000,
      reserveCpuMilli: 0,
      healthPort: 9091,
      deadbandPercent: 5,
      deadbandCpuMilli: 10,
      deadbandMemoryBytes: 4 * 2 ** 20,
      standalone: false,
      memoryLimitDecrease: 'allowed',
      podScaleNodeFieldSelector: true,
    });
    expect(parseAgentConfig(['--node-name=n1', '--podscale-node-field-selector=false'], env)).toMatchObject({
      podScaleNodeFieldSelector: false,
    });
  });

  it('parses durations and quantities', () => {
    const c = parseAgentConfig(
      ['--node-name=n1', '--tick=500ms', '--reserve-cpu=250m', '--reserve-memory=1Gi', '--standalone'],
      env,
    );
    expect(c).toMatchObject({
      tickMs: 500,
      reserveCpuMilli: 250,
      reserveMemoryBytes: 2 ** 30,
      standalone: true,
    });
  });

  it('sends a token only over TLS unless told otherwise', () => {
    const token = ['--node-name=n1', '--hub-token-file=/t'];
    expect(() => parseAgentConfig(token, env)).toThrow(/plaintext.*--hub-ca-file.*--allow-plaintext-token/);
    expect(parseAgentConfig([...token, '--hub-ca-file=/ca.pem'], env).hubCaFile).toBe('/ca.pem');
    expect(parseAgentConfig([...token, '--allow-plaintext-token'], env).allowPlaintextToken).toBe(true);
    expect(parseAgentConfig([...token, '--standalone'], env).standalone).toBe(true);
  });

  it.each([[['--tick=soon', '--node-name=n1']], [['--reserve-cpu=lots', '--node-name=n1']], [[]]])(
    'rejects %o with an error that says what to do',
    (argv) => {
      expect(() => parseAgentConfig(argv, env)).toThrow();
    },
  );
});
