import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity,
  compareQuantities,
  formatCpuMilli,
  formatMemoryBytes,
  isQuantity,
  parseCpuMilli,
  parseMemoryBytes,
  parseQuantity,
  QUANTITY_PATTERN,
  QuantityError,
} from '../../../lib/quantity.ts';

describe('parseQuantity', () => {
  it.each([
    ['1', 1_000_000_000n, 'DecimalSI'],
    ['250m', 250_000_000n, 'DecimalSI'],
    ['1.5', 1_500_000_000n, 'DecimalSI'],
    ['.5', 500_000_000n, 'DecimalSI'],
    ['5.', 5_000_000_000n, 'DecimalSI'],
    ['+2', 2_000_000_000n, 'DecimalSI'],
    ['-2k', -2_000_000_000_000n, 'DecimalSI'],
    ['3n', 3n, 'DecimalSI'],
    ['7u', 7000n, 'DecimalSI'],
    ['1E', 10n ** 27n, 'DecimalSI'],
    ['1Ki', 1024n * 10n ** 9n, 'BinarySI'],
    ['1.5Gi', 1_610_612_736n * 10n ** 9n, 'BinarySI'],
    ['1e9', 10n ** 18n, 'DecimalExponent'],
    ['1E-3', 1_000_000n, 'DecimalExponent'],
    ['12e+2', 1_200n * 10n ** 9n, 'DecimalExponent'],
  ])('parses %s exactly', (input, nanos, format) => {
    expect(parseQuantity(input)).toEqual({ nanos, format });
  });

  it('rounds below nano precision away from zero, as the API server does', () => {
    expect(parseQuantity('0.1n').nanos).toBe(1n);
    expect(parseQuantity('1e-10').nanos).toBe(1n);
    expect(parseQuantity('-0.1n').nanos).toBe(-1n);
  });

  it.each(['', '12 cores', '1.5.5', 'Mi', '1mi', '1KiB', ' 1', '1e', '1e1.5', '--1', '0x10', '1m2'])(
    'rejects %j with a QuantityError naming the input and showing examples',
    (input) => {
      expect(() => parseQuantity(input)).toThrow(QuantityError);
      expect(() => parseQuantity(input)).toThrow(`invalid quantity ${JSON.stringify(input)}`);
      expect(() => parseQuantity(input)).toThrow(/e\.g\. "250m"/);
      expect(isQuantity(input)).toBe(false);
    },
  );

  it('accepts exactly what the published quantity pattern accepts, for integer exponents', () => {
    const re = new RegExp(QUANTITY_PATTERN);
    for (const s of ['1', '250m', '1.5Gi', '+.5', '-1e3', '1E', '12 cores', 'Mi', '1KiB']) {
      expect(isQuantity(s)).toBe(re.test(s));
    }
  });
});

describe('canonicalQuantity', () => {
  it.each([
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['1000', '1k'],
    ['1500000', '1500k'],
    ['0', '0'],
    ['0Mi', '0'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['512', '512'],
    ['0.5Ki', '512'],
    ['0.1Ki', '102400m'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['100e-3', '100e-3'],
    ['1e-10', '1e-9'],
    ['0.1n', '1n'],
    ['1G', '1G'],
    ['-1.5', '-1500m'],
    ['2000E', '2000E'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });
});

describe('cpu and memory helpers', () => {
  it.each([
    ['250m', 250],
    ['1', 1000],
    ['1.5', 1500],
    ['0.0001', 1],
    ['100u', 1],
    ['2k', 2_000_000],
    [1.5, 1500],
    [2, 2000],
    [0.25, 250],
  ])('parseCpuMilli(%j) = %d (rounded up to whole millicores)', (input, milli) => {
    expect(parseCpuMilli(input)).toBe(milli);
  });

  it.each([
    [250, '250m'],
    [2000, '2'],
    [1500, '1500m'],
    [0, '0'],
    [1, '1m'],
  ])('formatCpuMilli(%d) = %s', (milli, s) => {
    expect(formatCpuMilli(milli)).toBe(s);
  });

  it.each([
    ['128Mi', 134_217_728],
    ['1G', 1_000_000_000],
    ['1.5Ki', 1536],
    ['0.5', 1],
    ['1e3', 1000],
    [4096, 4096],
  ])('parseMemoryBytes(%j) = %d (rounded up to a byte)', (input, bytes) => {
    expect(parseMemoryBytes(input)).toBe(bytes);
  });

  it.each([
    [134_217_728, '128Mi'],
    [1_610_612_736, '1536Mi'],
    [1_000_000_000, '1G'],
    [1500, '1500'],
    [1024, '1Ki'],
    [0, '0'],
    [100, '100'],
  ])('formatMemoryBytes(%d) = %s', (bytes, s) => {
    expect(formatMemoryBytes(bytes)).toBe(s);
  });

  it('rejects negative resources and invalid numbers with QuantityError', () => {
    expect(() => parseCpuMilli('-1')).toThrow(/cpu must not be negative/);
    expect(() => parseMemoryBytes('-1Mi')).toThrow(/memory must not be negative/);
    expect(() => parseCpuMilli(Number.NaN)).toThrow(QuantityError);
    expect(() => parseMemoryBytes('12 cores')).toThrow(/invalid quantity "12 cores"/);
    expect(() => formatCpuMilli(1.5)).toThrow(QuantityError);
    expect(() => formatMemoryBytes(-1)).toThrow(QuantityError);
    expect(() => parseMemoryBytes('100Ei')).toThrow(/too large/);
  });
});

describe('properties', () => {
  const milli = fc.integer({ min: 0, max: 10_000_000 });
  const bytes = fc.integer({ min: 0, max: 2 ** 50 });

  it('parseCpuMilli(formatCpuMilli(x)) = x', () => {
    fc.assert(fc.property(milli, (m) => parseCpuMilli(formatCpuMilli(m)) === m));
  });

  it('parseMemoryBytes(formatMemoryBytes(x)) = x', () => {
    fc.assert(fc.property(bytes, (b) => parseMemoryBytes(formatMemoryBytes(b)) === b));
  });

  it('formatting is canonical: format∘parse is idempotent on any quantity', () => {
    const quantity = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{1,6}(\.\d{0,4})?$/),
        fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'e3', 'e-2', 'E6'),
      )
      .map(([s, d, u]) => `${s}${d}${u}`);
    fc.assert(
      fc.property(quantity, (q) => {
        const once = canonicalQuantity(q);
        return canonicalQuantity(once) === once && parseQuantity(once).nanos === parseQuantity(q).nanos;
      }),
    );
  });

  it('formatting preserves order', () => {
    fc.assert(
      fc.property(milli, milli, (a, b) => {
        const c = compareQuantities(parseQuantity(formatCpuMilli(a)), parseQuantity(formatCpuMilli(b)));
        return c === Math.sign(a - b);
      }),
    );
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        const c = compareQuantities(parseQuantity(formatMemoryBytes(a)), parseQuantity(formatMemoryBytes(b)));
        return c === Math.sign(a - b);
      }),
    );
  });
});
