// Kubernetes resource quantities, parsed and formatted exactly as the API server does:
// exact values at nano precision (rounded away from zero), canonical output forms.

/** Suffix family a quantity was written in; it decides the canonical output form. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact quantity: an integer number of nano-units (1e-9) and the format it was written in. */
export interface Quantity {
  nanos: bigint;
  format: QuantityFormat;
}

const EXAMPLES = 'e.g. "250m", "1.5", "2", "128Mi", "1Gi", "500M", "1e9"';

/** Raised for a string that is not a Kubernetes quantity, or a value out of range. */
export class QuantityError extends Error {
  readonly input: string;
  constructor(input: unknown, reason: string) {
    super(`invalid quantity ${JSON.stringify(String(input))}: ${reason} (${EXAMPLES})`);
    this.name = 'QuantityError';
    this.input = String(input);
  }
}

const NANO = 1_000_000_000n;
const DECIMAL_SUFFIX_EXP10: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX_EXP2: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const QUANTITY_RE = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Regular expression accepted by the API server for quantity strings (for CRD `pattern`s). */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** Divides rounding away from zero (the API server's RoundUp mode). */
function divAwayFromZero(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den === 0n ? q : num < 0n ? q - 1n : q + 1n;
}

/** Parses a quantity string; throws QuantityError with the offending input. */
export function parseQuantity(input: string): Quantity {
  if (typeof input !== 'string') throw new QuantityError(input, 'not a string');
  const m = QUANTITY_RE.exec(input.trim() === input ? input : '');
  if (!m) throw new QuantityError(input, 'not a number with an optional unit suffix');
  const [, sign = '', digits = '', suffix = ''] = m;
  const [intPart = '', fracPart = ''] = digits.split('.');
  let num = BigInt((intPart || '0') + fracPart);
  let den = 10n ** BigInt(fracPart.length);
  let format: QuantityFormat = 'DecimalSI';
  if (suffix in BINARY_SUFFIX_EXP2) {
    format = 'BinarySI';
    num *= 1n << BigInt(BINARY_SUFFIX_EXP2[suffix]!);
  } else {
    let exp10: number;
    if (suffix.length > 0 && (suffix[0] === 'e' || suffix[0] === 'E') && suffix.length > 1) {
      format = 'DecimalExponent';
      exp10 = Number(suffix.slice(1));
      if (Math.abs(exp10) > 1000) throw new QuantityError(input, 'exponent out of range');
    } else {
      exp10 = DECIMAL_SUFFIX_EXP10[suffix]!;
    }
    if (exp10 >= 0) num *= 10n ** BigInt(exp10);
    else den *= 10n ** BigInt(-exp10);
  }
  if (sign === '-') num = -num;
  const nanos = divAwayFromZero(num * NANO, den);
  return { nanos: nanos === 0n ? 0n : nanos, format };
}

/** Whether a string parses as a quantity. */
export function isQuantity(input: unknown): boolean {
  if (typeof input !== 'string') return false;
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

/** Integer mantissa and base-10 exponent (a multiple of 3), with the largest exponent possible. */
function decimalCanonical(nanos: bigint, maxExp10: number): { mantissa: bigint; exp10: number } {
  let mantissa = nanos;
  let exp10 = -9;
  while (mantissa !== 0n && mantissa % 1000n === 0n && exp10 < maxExp10) {
    mantissa /= 1000n;
    exp10 += 3;
  }
  if (mantissa === 0n) exp10 = 0;
  return { mantissa, exp10 };
}

/** The API server's canonical string for a quantity (what it stores and returns). */
export function formatQuantity(q: Quantity): string {
  const { nanos } = q;
  let format = q.format;
  if (format === 'BinarySI') {
    const small = nanos > -1024n * NANO && nanos < 1024n * NANO;
    if (small || nanos % NANO !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let amount = nanos / NANO;
    let i = 0;
    while (i < BINARY_SUFFIXES.length - 1 && amount % 1024n === 0n && amount !== 0n) {
      amount /= 1024n;
      i++;
    }
    return `${amount}${BINARY_SUFFIXES[i]}`;
  }
  if (format === 'DecimalExponent') {
    const { mantissa, exp10 } = decimalCanonical(nanos, Number.MAX_SAFE_INTEGER);
    return exp10 === 0 ? `${mantissa}` : `${mantissa}e${exp10}`;
  }
  const { mantissa, exp10 } = decimalCanonical(nanos, 18);
  const suffix = Object.keys(DECIMAL_SUFFIX_EXP10).find((k) => DECIMAL_SUFFIX_EXP10[k] === exp10) ?? '';
  return `${mantissa}${suffix}`;
}

/** Canonical form of a quantity string (e.g. "1000m" → "1", "1024Mi" → "1Gi"). */
export function canonicalQuantity(input: string): string {
  return formatQuantity(parseQuantity(input));
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (by value, ignoring format). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

function toSafeNumber(value: bigint, input: unknown): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new QuantityError(input, 'too large');
  return Number(value);
}

function nonNegative(input: string | number, what: string): Quantity {
  let q: Quantity;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(input, `${what} must be a finite number`);
    q = parseQuantity(numberToPlainString(input));
  } else {
    q = parseQuantity(input);
  }
  if (q.nanos < 0n) throw new QuantityError(input, `${what} must not be negative`);
  return q;
}

function numberToPlainString(n: number): string {
  const s = String(n);
  return /e/i.test(s) ? s.replace(/e\+?/i, 'e') : s;
}

/** CPU in whole millicores, rounded up (a number is taken as cores: 1.5 → 1500). */
export function parseCpuMilli(q: string | number): number {
  return toSafeNumber(divAwayFromZero(nonNegative(q, 'cpu').nanos, 1_000_000n), q);
}

/** Canonical CPU string for millicores: 250 → "250m", 2000 → "2", 1500 → "1500m". */
export function formatCpuMilli(cpuMilli: number): string {
  if (!Number.isInteger(cpuMilli) || cpuMilli < 0) {
    throw new QuantityError(cpuMilli, 'millicores must be a non-negative integer');
  }
  return formatQuantity({ nanos: BigInt(cpuMilli) * 1_000_000n, format: 'DecimalSI' });
}

/** Memory in whole bytes, rounded up (a number is taken as bytes). */
export function parseMemoryBytes(q: string | number): number {
  return toSafeNumber(divAwayFromZero(nonNegative(q, 'memory').nanos, NANO), q);
}

/** Canonical memory string: binary suffix when divisible by 1024 ("128Mi"), else decimal ("1G", "1500"). */
export function formatMemoryBytes(memoryBytes: number): string {
  if (!Number.isSafeInteger(memoryBytes) || memoryBytes < 0) {
    throw new QuantityError(memoryBytes, 'bytes must be a non-negative integer');
  }
  const nanos = BigInt(memoryBytes) * NANO;
  const binary = memoryBytes >= 1024 && memoryBytes % 1024 === 0;
  return formatQuantity({ nanos, format: binary ? 'BinarySI' : 'DecimalSI' });
}
