// deploy/prometheus-adapter's rules expanded the way prometheus-adapter expands them: a rule's
// seriesQuery finds series, name.matches/as names the metric, and metricsQuery's <<.Series>>,
// <<.LabelMatchers>> and <<.GroupBy>> become the series name, the resource label matchers and the
// label of the resource asked about.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface AdapterRule {
  seriesQuery: string;
  resources: { overrides: Record<string, { group?: string; resource: string }> };
  name: { matches: string; as: string };
  metricsQuery: string;
}

export function loadAdapterRules(file = 'deploy/prometheus-adapter/configmap.yaml'): AdapterRule[] {
  const manifest = parse(readFileSync(file, 'utf8')) as { data: Record<string, string> };
  return (parse(manifest.data['config.yaml'] as string) as { rules: AdapterRule[] }).rules;
}

/** The custom metric a series is exposed as under the rule, or undefined when the name does not match. */
export function metricName(rule: AdapterRule, series: string): string | undefined {
  const m = new RegExp(rule.name.matches).exec(series);
  return m ? rule.name.as.replace(/\$\{(\d+)\}/g, (_, i: string) => m[Number(i)] ?? '') : undefined;
}

/** The label the rule maps to `resource` (e.g. pods → pod, servicelevelagreements → sla). */
export function labelFor(rule: AdapterRule, resource: string): string {
  const entry = Object.entries(rule.resources.overrides).find(([, r]) => r.resource === resource);
  if (!entry) throw new Error(`rule ${rule.seriesQuery} maps no label to ${resource}`);
  return entry[0];
}

/**
 * metricsQuery for `series`, asked about the objects `names` of `resource` in `namespace`: the
 * namespace matcher plus the resource label (=~ for several objects), grouped by the resource label.
 */
export function expandMetricsQuery(
  rule: AdapterRule,
  series: string,
  namespace: string,
  resource: string,
  names: readonly string[],
): string {
  const label = labelFor(rule, resource);
  const nsLabel = labelFor(rule, 'namespace');
  const matchers = [
    `${nsLabel}="${namespace}"`,
    names.length === 1 ? `${label}="${names[0]}"` : `${label}=~"${names.join('|')}"`,
  ].join(',');
  return rule.metricsQuery
    .replaceAll('<<.Series>>', series)
    .replaceAll('<<.LabelMatchers>>', matchers)
    .replaceAll('<<.GroupBy>>', label);
}
