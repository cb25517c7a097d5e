// The agent logs an arbitration decision once when it changes, with its inputs, not on every tick:
// the hub answers every report, and inputs that move without changing a grant (here the essential
// CPU the hub re-estimates, on a node with room to spare) are no new decision. It used to log
// "arbitrated" for every pod on every tick (91 % of its log volume). At info, only a change of the
// kind of grant (contended, SLA-bound, recommend-only) is a new line; a new amount is one at debug.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log.ts';
import { agentRig } from './agent-rig.ts';

const MIB = 2 ** 20;

describe('the agent’s arbitration log', () => {
  it('has one line per pod per changed grant, whatever the number of ticks', async () => {
    const lines: Array<{ msg: string; level: string; pod?: string; granted?: { cpuMilli: number } }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        cb();
      },
    });
    let tick = 0;
    const scraper = { scrape: async () => new Map() };
    const { agent, pods } = agentRig({
      ports: [1, 2, 3],
      scraper,
      log: createLogger({ level: 'debug', destination: sink }),
      directive: (report) => ({
        policy: 'ARBITRATION_POLICY_PROPORTIONAL',
        pods: report.pods.map((p, i) => ({
          uid: p.uid,
          namespace: p.namespace,
          name: p.name,
          container: p.container,
          // pod 0 is asked for more from tick 6 on: one new decision
          desired: { cpuMilli: i === 0 && tick >= 6 ? 600 : 500, memoryBytes: 256 * MIB },
          essential: { cpuMilli: 100 + 7 * tick, memoryBytes: 0 },
          minimum: { cpuMilli: 100, memoryBytes: 64 * MIB },
          maximum: { cpuMilli: 4000, memoryBytes: 1024 * MIB },
          priority: 1,
          sla: `${p.namespace}/web-${i}`,
        })),
      }),
    });
    for (tick = 0; tick < 10; tick++) await agent.runOnce();
    const INFO = 'info';
    const DEBUG = 'debug';
    const arbitrated = lines.filter((l) => l.msg === 'arbitrated');
    const at = (level: string) =>
      arbitrated.filter((l) => l.level === level).map((l) => [l.pod, l.granted?.cpuMilli]);
    expect(at(INFO)).toEqual(pods.map((p) => [`${p.pod.metadata!.namespace}/${p.pod.metadata!.name}`, 500]));
    expect(at(DEBUG)).toEqual([[`${pods[0]!.pod.metadata!.namespace}/${pods[0]!.pod.metadata!.name}`, 600]]);
    // the inputs come with the decision
    expect(arbitrated[0]).toMatchObject({ desired: { cpuMilli: 500 }, essential: { cpuMilli: 100 } });
    expect(lines.filter((l) => l.msg === 'node arbitration')).toHaveLength(1);
  });
});
