import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HubMetrics } from '../../../../hub/src/metrics/hub-metrics.ts';

interface Rule {
  seriesQuery: string;
  resources: { overrides: Record<string, { group?: string; resource: string }> };
  name: { matches: string; as: string };
  metricsQuery: string;
}

const manifest = parse(readFileSync('deploy/prometheus-adapter/configmap.yaml', 'utf8'));
const rules: Rule[] = parse(manifest.data['config.yaml']).rules;

async function exported(): Promise<Array<{ name: string; labels: string[] }>> {
  const m = new HubMetrics();
  m.publish([
    {
      sla: { namespace: 'default', name: 'web', target: 'Deployment/web', observedSeconds: 0.1 },
      pods: [{ namespace: 'default', name: 'web-1', node: 'n1', responseTimeSeconds: 0.1 }],
    },
  ]);
  const text = await m.registry.metrics();
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const match = /^(kosmos_(?:pod|service)_\w+)\{([^}]*)\}/.exec(line);
    if (!match) continue;
    const labels = out.get(match[1]!) ?? new Set<string>();
    for (const kv of match[2]!.split(',')) labels.add(kv.split('=')[0]!);
    out.set(match[1]!, labels);
  }
  return [...out].map(([name, labels]) => ({ name, labels: [...labels] }));
}

describe('prometheus-adapter rules', () => {
  it('cover every Pod and Service metric the hub exports, with the labels each rule maps to resources', async () => {
    const metrics = await exported();
    expect(metrics.length).toBeGreaterThan(10);
    for (const m of metrics) {
      const covering = rules.filter((r) => {
        const nameRe = /__name__=~"([^"]+)"/.exec(r.seriesQuery)![1]!;
        return (
          new RegExp(`^${nameRe}$`).test(m.name) &&
          Object.keys(r.resources.overrides).every((l) => m.labels.includes(l))
        );
      });
      expect(covering.length, `${m.name} is exposed by a rule`).toBeGreaterThan(0);
    }
  });

  it('map the SLA label to the ServiceLevelAgreement resource and pods to pods', () => {
    const resources = rules.map((r) =>
      Object.values(r.resources.overrides).map((o) => `${o.group ?? ''}/${o.resource}`),
    );
    expect(resources).toContainEqual(['/namespace', '/pod']);
    expect(resources).toContainEqual(['/namespace', 'autoscaling.kosmos.dev/servicelevelagreements']);
    for (const r of rules) expect(r.metricsQuery).toContain('<<.LabelMatchers>>');
  });
});
