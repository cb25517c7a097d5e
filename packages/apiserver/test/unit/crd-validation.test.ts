import { describe, expect, it } from 'vitest';
import { CrdCompileError, compileCrd, formatFieldErrors } from '../../crd/crd-validation.ts';

function crd(schema: object, version = 'v1') {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
}

const widgetSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1 },
        color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
        cpu: {
          'x-kubernetes-int-or-string': true,
          anyOf: [{ type: 'integer' }, { type: 'string' }],
          pattern: '^[0-9]+m?$',
        },
        limits: {
          type: 'object',
          default: {},
          properties: { min: { type: 'string', default: '100m' }, max: { type: 'string', default: '2' } },
          'x-kubernetes-validations': [
            {
              rule: 'quantity(self.min).compareTo(quantity(self.max)) <= 0',
              message: 'limits.min must be less than or equal to limits.max',
            },
          ],
        },
        timeout: {
          type: 'string',
          'x-kubernetes-validations': [
            {
              rule: "duration(self) > duration('0s')",
              messageExpression: "'timeout must be > 0, got ' + self",
            },
          ],
        },
        immutableName: {
          type: 'string',
          'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutableName is immutable' }],
        },
        tags: {
          type: 'array',
          items: {
            type: 'object',
            properties: { key: { type: 'string' }, value: { type: 'string' } },
            'x-kubernetes-validations': [
              { rule: 'self.key != self.value', message: 'key must differ from value', fieldPath: '.value' },
            ],
          },
        },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 3 } },
      },
      'x-kubernetes-validations': [
        {
          rule: '!has(self.color) || self.color != "blue" || self.size > 2',
          message: 'blue widgets need size > 2',
        },
        {
          rule: 'self.size < 100',
          reason: 'FieldValueForbidden',
          message: 'size too large',
          fieldPath: '.size',
        },
      ],
    },
  },
};

function widget(spec: Record<string, unknown>) {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec };
}

describe('compileCrd', () => {
  const v = compileCrd(crd(widgetSchema), 'v1');

  it('accepts a valid object after defaulting', () => {
    const obj = widget({ size: 3, cpu: '250m', timeout: '1.5s' });
    v.applyDefaults(obj);
    expect(obj.spec).toMatchObject({ color: 'red', limits: { min: '100m', max: '2' } });
    expect(v.validate(obj)).toEqual([]);
  });

  it('reports a missing required field at its path', () => {
    const errs = v.validate(widget({}));
    expect(errs).toContainEqual({
      field: 'spec.size',
      reason: 'FieldValueRequired',
      message: 'Required value',
    });
  });

  it('reports an enum violation as NotSupported listing the allowed values', () => {
    const errs = v.validate(widget({ size: 3, color: 'green' }));
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatchObject({ field: 'spec.color', reason: 'FieldValueNotSupported' });
    expect(errs[0]!.message).toBe('Unsupported value: "green": supported values: "red", "blue"');
  });

  it('reports a wrong type as TypeInvalid and then skips CEL rules', () => {
    const errs = v.validate(widget({ size: 'big' }));
    expect(errs[0]).toMatchObject({ field: 'spec.size', reason: 'FieldValueTypeInvalid' });
    expect(errs[1]!.message).toContain('some validation rules were not checked');
  });

  it('checks int-or-string values and string patterns', () => {
    expect(v.validate(widget({ size: 3, cpu: 2 }))).toEqual([]);
    expect(v.validate(widget({ size: 3, cpu: true }))[0]).toMatchObject({
      field: 'spec.cpu',
      reason: 'FieldValueTypeInvalid',
    });
    const bad = v.validate(widget({ size: 3, cpu: '12 cores' }));
    expect(bad[0]).toMatchObject({ field: 'spec.cpu', reason: 'FieldValueInvalid' });
    expect(bad[0]!.message).toContain('"12 cores"');
  });

  it('evaluates a rule with self bound to its node and reports the message at that node', () => {
    const errs = v.validate(widget({ size: 3, limits: { min: '3', max: '2500m' } }));
    expect(errs).toEqual([
      {
        field: 'spec.limits',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "object": limits.min must be less than or equal to limits.max',
        detail: 'limits.min must be less than or equal to limits.max',
      },
    ]);
    expect(v.validate(widget({ size: 3, limits: { min: '1500m', max: '2' } }))).toEqual([]);
  });

  it('honours messageExpression, fieldPath and reason', () => {
    expect(v.validate(widget({ size: 3, timeout: '0s' }))[0]).toMatchObject({
      field: 'spec.timeout',
      detail: 'timeout must be > 0, got 0s',
    });
    expect(v.validate(widget({ size: 200 }))).toContainEqual({
      field: 'spec.size',
      reason: 'FieldValueForbidden',
      message: 'Forbidden: size too large',
      detail: 'size too large',
    });
    expect(v.validate(widget({ size: 1, color: 'blue' }))[0]!.detail).toBe('blue widgets need size > 2');
  });

  it('evaluates rules on list items with the item index in the path', () => {
    const errs = v.validate(
      widget({
        size: 3,
        tags: [
          { key: 'a', value: 'b' },
          { key: 'x', value: 'x' },
        ],
      }),
    );
    expect(errs).toEqual([
      expect.objectContaining({ field: 'spec.tags[1].value', detail: 'key must differ from value' }),
    ]);
  });

  it('reports a rule that fails to evaluate as an error, not a throw', () => {
    const errs = v.validate(widget({ size: 3, timeout: 'soon' }));
    expect(errs[0]).toMatchObject({ field: 'spec.timeout', reason: 'FieldValueInvalid' });
    expect(errs[0]!.message).toContain('rule evaluation error');
  });

  it('runs transition rules only on update, with oldSelf bound', () => {
    expect(v.validate(widget({ size: 3, immutableName: 'b' }))).toEqual([]);
    const old = widget({ size: 3, immutableName: 'a' });
    expect(v.validate(widget({ size: 3, immutableName: 'b' }), old)[0]).toMatchObject({
      field: 'spec.immutableName',
      detail: 'immutableName is immutable',
    });
    expect(v.validate(widget({ size: 3, immutableName: 'a' }), old)).toEqual([]);
  });

  it('prunes unknown fields but keeps preserved and root metadata fields', () => {
    const obj = widget({
      size: 3,
      bogus: 1,
      extra: { anything: { goes: true } },
      limits: { min: '1', junk: 2 },
    });
    (obj as Record<string, unknown>)['topLevelJunk'] = 1;
    (obj.metadata as Record<string, unknown>)['labels'] = { a: 'b' };
    v.applyDefaults(obj);
    expect(obj).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', labels: { a: 'b' } },
      spec: { size: 3, color: 'red', extra: { anything: { goes: true } }, limits: { min: '1', max: '2' } },
    });
  });

  it('drops nulls of non-nullable fields before defaulting', () => {
    const obj = widget({ size: 3, color: null });
    v.applyDefaults(obj);
    expect(obj.spec['color']).toBe('red');
  });

  it('names map entries with brackets when the key is not an identifier', () => {
    const errs = v.validate(widget({ size: 3, labels: { 'app.kubernetes.io/name': 'long' } }));
    expect(errs[0]).toMatchObject({
      field: 'spec.labels[app.kubernetes.io/name]',
      reason: 'FieldValueTooLong',
    });
  });

  it('formats errors like the API server', () => {
    expect(formatFieldErrors(v.validate(widget({})))).toBe(
      'spec.size: Required value, Invalid value: "object": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    );
  });

  it('rejects a CRD with a rule that does not compile, or a missing version', () => {
    const bad = crd({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a ==' }] });
    expect(() => compileCrd(bad, 'v1')).toThrow(CrdCompileError);
    expect(() => compileCrd(crd(widgetSchema), 'v2')).toThrow(/no version "v2"/);
  });
});

describe('Kubernetes CEL quantity library', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' }, expr: { type: 'string' } },
      },
    },
  };
  const check = (rule: string, spec: Record<string, string>) => {
    const s = structuredClone(schema) as typeof schema & { properties: { spec: Record<string, unknown> } };
    s.properties.spec['x-kubernetes-validations'] = [{ rule }];
    return compileCrd(crd(s), 'v1').validate({ spec });
  };

  it.each([
    ['quantity(self.a).isLessThan(quantity(self.b))', { a: '500m', b: '1' }],
    ['quantity(self.a).isGreaterThan(quantity(self.b))', { a: '1Gi', b: '1G' }],
    ['quantity(self.a) == quantity(self.b)', { a: '1', b: '1000m' }],
    ['quantity(self.a).compareTo(quantity(self.b)) == 0', { a: '1Ki', b: '1024' }],
    ['quantity(self.a).add(quantity(self.b)) == quantity("1500m")', { a: '1', b: '500m' }],
    ['quantity(self.a).sub(1).sign() == -1', { a: '500m' }],
    ['quantity(self.a).asInteger() == 2048', { a: '2Ki' }],
    ['!quantity(self.a).isInteger() && quantity(self.a).asApproximateFloat() == 0.5', { a: '500m' }],
    ['isQuantity(self.a) && !isQuantity(self.b)', { a: '1e3', b: '12 cores' }],
  ])('%s holds for %j', (rule, spec) => {
    expect(check(rule, spec)).toEqual([]);
  });

  it('fails a comparison that does not hold', () => {
    expect(check('quantity(self.a).isLessThan(quantity(self.b))', { a: '2', b: '1' })).toHaveLength(1);
  });
});
