import { describe, expect, it } from 'vitest';
import { parseHubConfig } from '../../../hub/src/config.ts';

describe('parseHubConfig', () => {
  it('applies the documented defaults', () => {
    expect(parseHubConfig(['--allow-plaintext-token'], {})).toMatchObject({
      grpcPort: 7070,
      periodMs: 1000,
      nodeStaleAfterMs: 15_000,
      nodeForgetAfterMs: 120_000,
      nodesAutoscaled: false,
      agentAuth: 'tokenreview',
    });
  });

  it.each([
    { argv: ['--nodes-autoscaled'], env: {}, expected: true },
    { argv: [], env: { KOSMOS_NODES_AUTOSCALED: 'true' }, expected: true },
    { argv: ['--nodes-autoscaled=false'], env: { KOSMOS_NODES_AUTOSCALED: 'true' }, expected: false },
  ])('nodes autoscaled from $argv / $env → $expected', ({ argv, env, expected }) => {
    expect(parseHubConfig(['--agent-auth=insecure-none', ...argv], env).nodesAutoscaled).toBe(expected);
  });

  it('refuses a value that is not a boolean', () => {
    expect(() =>
      parseHubConfig(['--agent-auth=insecure-none'], { KOSMOS_NODES_AUTOSCALED: 'maybe' }),
    ).toThrow(/nodes/i);
  });

  it('takes the TLS certificate and key together, and refuses one without the other', () => {
    expect(parseHubConfig(['--tls-cert-file=/c.pem', '--tls-key-file=/k.pem'], {})).toMatchObject({
      tlsCertFile: '/c.pem',
      tlsKeyFile: '/k.pem',
    });
    expect(() => parseHubConfig(['--tls-cert-file=/c.pem'], {})).toThrow(
      /--tls-cert-file and --tls-key-file go together/,
    );
    expect(() => parseHubConfig([], { KOSMOS_TLS_KEY_FILE: '/k.pem' })).toThrow(/go together/);
  });
});
