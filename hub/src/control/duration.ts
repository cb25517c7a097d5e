// Durations as the SLA writes them (Go/CEL style: "200ms", "1.5s", "1m30s"; units ns, us, ms, s, m, h).

const DURATION_RE = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Seconds of a duration such as "200ms", "1.5s", "1m30s"; undefined when it is not one. */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_RE.test(trimmed)) return undefined;
  let seconds = 0;
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    seconds += Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
  }
  return seconds;
}
