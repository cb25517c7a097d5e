// The benchmarks' whole-number options, checked as commander parses them (it names the option).
import { InvalidArgumentError } from 'commander';

/** commander's argument parser for a whole number of at least `min`. */
export const wholeNumberAtLeast =
  (min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected a whole number of at least ${min}, got "${value}"`);
    return n;
  };

export const positiveInt = wholeNumberAtLeast(1);
