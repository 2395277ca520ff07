import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureFormat } from '../../../lib/format';
import { ApiError } from '../../../lib/problem';
import type { CustomField } from '../settings.types';
import { conditionFields, describeCondition, opsFor, PLACE, withOp } from './conditions';
import { checkConditionDrafts, placeRuleErrors } from './ruleDraft';

const region = {
  key: 'region',
  label: 'Region',
  type: 'select',
  options: ['North', 'South'],
  active: true,
} as unknown as CustomField;
const fields = conditionFields([region]);

describe('assignment rule conditions', () => {
  beforeEach(() => configureFormat({ timeZone: 'Asia/Kolkata', locale: 'en-IN', currency: 'INR' }));
  afterEach(() => configureFormat({ timeZone: 'America/New_York', locale: 'en-US', currency: 'USD' }));

  it('reads an expected value as money in the company’s currency', () => {
    expect(describeCondition({ field: 'expectedValue', op: 'range', min: 1000000 }, fields)).toBe(
      'Expected value is at least ₹10,00,000',
    );
    expect(describeCondition({ field: 'expectedValue', op: 'range', min: 1000, max: 50000, not: true }, fields)).toBe(
      'Expected value is outside ₹1,000 to ₹50,000',
    );
  });

  it('names choices by their label and places by the territory operator', () => {
    expect(describeCondition({ field: 'source', op: 'equals', value: 'web_form' }, fields)).toMatch(/^Source is /);
    expect(describeCondition({ op: 'territory', values: ['Pune', 'Mumbai'] }, fields)).toBe(
      'Territory, state or city is one of Pune, Mumbai',
    );
    expect(describeCondition({ field: 'customFields.region', op: 'is_empty', not: true }, fields)).toBe(
      'Region is filled in',
    );
  });

  it('offers the operators of the field’s kind', () => {
    const value = fields.find((f) => f.value === 'expectedValue');
    expect(opsFor(value).map((o) => o.value)).toContain('range');
    expect(opsFor(fields.find((f) => f.value === PLACE)).map((o) => o.value)).toEqual(['territory', 'territory:not']);
  });

  it('keeps the value when the operator changes between one value and a list', () => {
    const listed = withOp(
      { field: 'city', op: 'equals', value: 'Pune' },
      { value: 'in', label: '', op: 'in', not: false },
    );
    expect(listed).toEqual({ field: 'city', op: 'in', values: ['Pune'] });
    const back = withOp(listed, { value: 'equals:not', label: '', op: 'equals', not: true });
    expect(back).toEqual({ field: 'city', op: 'equals', not: true, value: 'Pune' });
  });

  it('marks every incomplete condition before sending', () => {
    const errors = checkConditionDrafts([
      { uid: 'a', condition: { op: 'equals' } },
      { uid: 'b', condition: { field: 'city', op: 'in', values: [] } },
      { uid: 'c', condition: { field: 'expectedValue', op: 'range' } },
      { uid: 'd', condition: { field: 'city', op: 'equals', value: 'Pune' } },
    ]);
    expect(errors).toEqual({
      a: { field: 'Choose a field' },
      b: { values: 'Add at least one value' },
      c: { min: 'Give a lowest or a highest value' },
    });
  });

  it('places the server’s errors under the condition they name', () => {
    const conditions = [
      { uid: 'x', condition: { field: 'city', op: 'equals' as const, value: 'Pune' } },
      { uid: 'y', condition: { field: 'expectedValue', op: 'range' as const, min: 5 } },
    ];
    const error = new ApiError({
      type: 'about:blank',
      title: 'Invalid',
      status: 400,
      code: 'validation_failed',
      errors: [
        { path: '/body/conditions/1/min', message: 'must be a number' },
        { path: 'body.name', message: 'is required' },
        { path: 'somethingElse', message: 'Odd' },
      ],
    });
    expect(placeRuleErrors(error, conditions)).toEqual({
      rule: { name: 'is required' },
      conditions: { y: { min: 'must be a number' } },
      general: 'Odd',
    });
  });
});
