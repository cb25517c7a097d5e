// Kubernetes CEL extension functions for CRD validation rules: the quantity library
// (quantity(), isQuantity(), comparisons and arithmetic) on top of @bufbuild/cel.
import { type CelFunc, type CelMap, CelScalar, celFunc, celMethod, isCelMap, mapType } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { isQuantity, parseQuantity } from '../../../lib/quantity.ts';

// @bufbuild/cel has no opaque types, so a quantity is a one-entry map holding its exact value in
// nano-units; equal values are equal maps, so `==` compares by value as Kubernetes does.
const QUANTITY_KEY = '__kubernetes_quantity_nanos';
const ANY_MAP = mapType(CelScalar.DYN, CelScalar.DYN);
const NANO = 1_000_000_000n;

function quantityValue(nanos: bigint): Map<string, string> {
  return new Map([[QUANTITY_KEY, nanos.toString()]]);
}

function nanosOf(v: CelMap): bigint {
  const raw = v.get(QUANTITY_KEY);
  if (typeof raw !== 'string') throw new Error('no such overload: receiver is not a quantity');
  return BigInt(raw);
}

function method<R extends typeof CelScalar.BOOL | typeof CelScalar.INT | typeof CelScalar.DOUBLE>(
  name: string,
  result: R,
  impl: (self: bigint) => boolean | bigint | number,
): CelFunc {
  return celMethod(name, ANY_MAP, [], result, function (this: CelMap) {
    return impl(nanosOf(this)) as never;
  });
}

function binary(
  name: string,
  result: typeof CelScalar.BOOL | typeof CelScalar.INT | typeof ANY_MAP,
  impl: (a: bigint, b: bigint) => boolean | bigint | Map<string, string>,
): CelFunc[] {
  return [
    celMethod(name, ANY_MAP, [ANY_MAP], result, function (this: CelMap, other: CelMap) {
      return impl(nanosOf(this), nanosOf(other)) as never;
    }),
    celMethod(name, ANY_MAP, [CelScalar.INT], result, function (this: CelMap, other: bigint) {
      return impl(nanosOf(this), other * NANO) as never;
    }),
  ];
}

const MAX_INT64 = (1n << 63n) - 1n;

/** The Kubernetes quantity CEL library. */
export const quantityLibrary: CelFunc[] = [
  celFunc('quantity', [CelScalar.STRING], ANY_MAP, (s: string) => quantityValue(parseQuantity(s).nanos)),
  celFunc('isQuantity', [CelScalar.STRING], CelScalar.BOOL, (s: string) => isQuantity(s)),
  ...binary('isLessThan', CelScalar.BOOL, (a, b) => a < b),
  ...binary('isGreaterThan', CelScalar.BOOL, (a, b) => a > b),
  ...binary('compareTo', CelScalar.INT, (a, b) => (a < b ? -1n : a > b ? 1n : 0n)),
  ...binary('add', ANY_MAP, (a, b) => quantityValue(a + b)),
  ...binary('sub', ANY_MAP, (a, b) => quantityValue(a - b)),
  method('sign', CelScalar.INT, (a) => (a < 0n ? -1n : a > 0n ? 1n : 0n)),
  method(
    'isInteger',
    CelScalar.BOOL,
    (a) => a % NANO === 0n && a / NANO <= MAX_INT64 && a / NANO >= -MAX_INT64,
  ),
  method('asInteger', CelScalar.INT, (a) => {
    if (a % NANO !== 0n || a / NANO > MAX_INT64 || a / NANO < -MAX_INT64) {
      throw new Error('cannot convert value to integer');
    }
    return a / NANO;
  }),
  method('asApproximateFloat', CelScalar.DOUBLE, (a) => Number(a) / 1e9),
];

/** Every extension function available to CRD validation rules. */
export const kubernetesCelFunctions: CelFunc[] = [...strings, ...quantityLibrary];

/** Whether a CEL value is a quantity produced by quantity(). */
export function isCelQuantity(v: unknown): boolean {
  return isCelMap(v) && typeof v.get(QUANTITY_KEY) === 'string';
}
