import { describe, expect, it } from 'vitest';
import { leadCatalog } from '../../lib/lead-catalog';
import { emptyDraft, operatorsFor, ruleFields, suggestLabel, toRuleBody, valueForOperator } from './ruleForm';

const fields = ruleFields(
  leadCatalog,
  [
    { key: 'industry', label: 'Industry', type: 'select', options: ['Retail', 'Pharma'] },
    { key: 'seats', label: 'Seats', type: 'number', options: [] },
    { key: 'owner2', label: 'Second owner', type: 'user', options: [] },
  ],
  { sources: [{ value: 'web_form', label: 'Web form' }], stages: [{ value: 'new', label: 'New' }] },
);
const behaviours = [
  { key: 'no_touch_days', label: 'Not touched for a number of days', takesWindow: true },
  { key: 'email_opened', label: 'Opened an email', takesWindow: true },
  { key: 'has_email', label: 'Has replied', takesWindow: false },
];

describe('the rule form', () => {
  it('offers the fields a person fills in and the custom fields, never the score or system fields', () => {
    const keys = fields.map((f) => f.key);
    expect(keys).toContain('source');
    expect(keys).toContain('expectedValue');
    expect(keys).toContain('customFields.industry');
    expect(keys).toContain('customFields.seats');
    for (const hidden of ['score', 'scoreTier', 'id', 'version', 'createdAt', 'customFields.owner2', 'ownerId']) {
      expect(keys).not.toContain(hidden);
    }
    expect(fields.find((f) => f.key === 'source')?.options).toEqual([{ value: 'web_form', label: 'Web form' }]);
    expect(fields.find((f) => f.key === 'customFields.industry')?.type).toBe('choice');
  });

  it('offers the operators of the field type', () => {
    expect(operatorsFor('number')).toContain('gte');
    expect(operatorsFor('text')).not.toContain('gte');
    expect(operatorsFor('date')).not.toContain('contains');
    expect(operatorsFor('choice')).toContain('in');
  });

  it('names a rule from what it tests, and builds its body', () => {
    const draft = { ...emptyDraft, field: 'source', operator: 'equals' as const, value: 'web_form', points: 12 };
    expect(suggestLabel(draft, fields, behaviours)).toBe('Source is Web form');
    expect(toRuleBody(draft, fields, behaviours)).toEqual({
      errors: null,
      body: expect.objectContaining({
        label: 'Source is Web form',
        kind: 'field',
        field: 'source',
        value: 'web_form',
        points: 12,
      }),
    });
    const behaviour = {
      ...emptyDraft,
      kind: 'behaviour' as const,
      behaviour: 'no_touch_days',
      windowDays: 9,
      points: -8,
    };
    expect(suggestLabel(behaviour, fields, behaviours)).toBe('No touch for 9 days');
    expect(toRuleBody(behaviour, fields, behaviours).body).toMatchObject({
      behaviour: 'no_touch_days',
      windowDays: 9,
      operator: null,
      value: null,
      points: -8,
    });
    const opened = { ...emptyDraft, kind: 'behaviour' as const, behaviour: 'email_opened', windowDays: 30, times: 3 };
    expect(suggestLabel(opened, fields, behaviours)).toBe('Opened an email 3 times in the last 30 days');
    expect(toRuleBody(opened, fields, behaviours).body).toMatchObject({ operator: 'gte', value: 3, windowDays: 30 });
    const ever = { ...opened, windowDays: null, times: 1 };
    expect(toRuleBody(ever, fields, behaviours).body).toMatchObject({ operator: null, value: null, windowDays: null });
  });

  it('says what is missing', () => {
    expect(toRuleBody({ ...emptyDraft, points: 0 }, fields, behaviours).errors).toMatchObject({
      field: expect.any(String),
      points: expect.any(String),
    });
    const many = { ...emptyDraft, field: 'source', operator: 'in' as const, value: [], label: 'x' };
    expect(toRuleBody(many, fields, behaviours).errors).toEqual({ value: expect.any(String) });
    const number = { ...emptyDraft, field: 'expectedValue', operator: 'gte' as const, value: 'lots', label: 'x' };
    expect(toRuleBody(number, fields, behaviours).errors).toEqual({ value: 'Give a number' });
    const window = {
      ...emptyDraft,
      kind: 'behaviour' as const,
      behaviour: 'no_touch_days',
      windowDays: null,
      label: 'x',
    };
    expect(toRuleBody(window, fields, behaviours).errors).toEqual({ windowDays: expect.any(String) });
  });

  it('keeps the value when the operator changes to one that takes it', () => {
    const draft = { ...emptyDraft, field: 'source', operator: 'equals' as const, value: 'web_form' };
    expect(valueForOperator(draft, 'in')).toEqual(['web_form']);
    expect(valueForOperator({ ...draft, value: ['a', 'b'] }, 'equals')).toBe('a');
    expect(valueForOperator(draft, 'is_set')).toBeNull();
  });
});
