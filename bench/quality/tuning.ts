// The --kosmos-tuning option of bench:quality: numeric overrides of the kosmos recommender's tuning,
// for analysing the control law (the product reads no such overrides from an SLA).
import { InvalidArgumentError } from 'commander';
import { RECOMMENDER_DEFAULTS } from '../../hub/src/recommender/defaults.ts';
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';

/** A JSON object of numeric overrides of the kosmos recommender's tuning (keys of RECOMMENDER_DEFAULTS.tuning). */
export function parseTuning(value: string): Partial<KosmosTuning> {
  const notObject = 'must be a JSON object, e.g. \'{"rateNoiseSigmas":3}\'';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(notObject);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError(notObject);
  const defaults: Record<string, unknown> = RECOMMENDER_DEFAULTS.tuning;
  for (const [key, v] of Object.entries(parsed)) {
    if (!(key in defaults))
      throw new InvalidArgumentError(`unknown tuning "${key}" (one of: ${Object.keys(defaults).join(', ')})`);
    const expected = typeof defaults[key];
    if (typeof v !== expected || (expected === 'number' && !Number.isFinite(v as number)))
      throw new InvalidArgumentError(
        `tuning "${key}" must be ${expected === 'number' ? 'a finite number' : `an ${expected}`}`,
      );
  }
  return parsed as Partial<KosmosTuning>;
}
