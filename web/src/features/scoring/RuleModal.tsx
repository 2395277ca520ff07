import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TagsInput,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { placeFormErrors } from '../../lib/forms';
import {
  type DraftErrors,
  draftOf,
  emptyDraft,
  NO_TOUCH,
  operatorLabels,
  operatorsFor,
  type RuleDraft,
  type RuleField,
  suggestLabel,
  toRuleBody,
  valueForOperator,
  valueShape,
} from './ruleForm';
import { useSaveRule } from './scoring.queries';
import type { Behaviour, Operator, ScoreRule } from './scoring.types';

const errorKeys = ['label', 'field', 'operator', 'value', 'behaviour', 'windowDays', 'points'] as const;
type ErrorKey = (typeof errorKeys)[number];
const isErrorKey = (name: string): name is ErrorKey => (errorKeys as readonly string[]).includes(name);

function ValueInput({
  field,
  draft,
  error,
  onChange,
}: {
  field: RuleField | undefined;
  draft: RuleDraft;
  error: string | undefined;
  onChange: (value: RuleDraft['value']) => void;
}) {
  const shape = valueShape(draft.operator);
  if (!field || shape === 'none') return null;
  const label = 'Value';
  if (shape === 'many') {
    const value = Array.isArray(draft.value) ? draft.value : [];
    return field.options ? (
      <MultiSelect
        label="Values"
        data={field.options}
        value={value}
        onChange={onChange}
        error={error}
        searchable
        comboboxProps={{ withinPortal: true }}
      />
    ) : (
      <TagsInput
        label="Values"
        placeholder="Type a value, press Enter"
        value={value}
        onChange={onChange}
        error={error}
        splitChars={[',']}
      />
    );
  }
  const single = Array.isArray(draft.value) ? null : draft.value;
  if (field.type === 'boolean') {
    return (
      <Select
        label={label}
        data={[
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]}
        value={single === null ? null : String(single)}
        onChange={(v) => onChange(v === null ? null : v === 'true')}
        error={error}
      />
    );
  }
  if (field.options) {
    return (
      <Select
        label={label}
        data={field.options}
        value={single === null ? null : String(single)}
        onChange={onChange}
        error={error}
        searchable
      />
    );
  }
  if (field.type === 'number') {
    return (
      <NumberInput
        label={label}
        value={typeof single === 'number' ? single : ''}
        onChange={(v) => onChange(typeof v === 'number' ? v : null)}
        error={error}
        thousandSeparator=","
      />
    );
  }
  if (field.type === 'date') {
    return (
      <TextInput
        label={label}
        type="date"
        value={typeof single === 'string' ? single : ''}
        onChange={(e) => onChange(e.currentTarget.value || null)}
        error={error}
      />
    );
  }
  return (
    <TextInput
      label={label}
      value={single === null ? '' : String(single)}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      maxLength={500}
    />
  );
}

/** Adds a rule or changes one: a field and a test of its value, or a behaviour, and the points it gives. */
export function RuleModal({
  rule,
  fields,
  behaviours,
  onClose,
}: {
  /** The rule to change; undefined adds one. */
  rule: ScoreRule | undefined;
  fields: readonly RuleField[];
  behaviours: readonly Behaviour[];
  onClose: () => void;
}) {
  const save = useSaveRule();
  const [draft, setDraft] = useState<RuleDraft>(rule ? draftOf(rule) : emptyDraft);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const field = fields.find((f) => f.key === draft.field);
  const behaviour = behaviours.find((b) => b.key === draft.behaviour);
  const set = (changes: Partial<RuleDraft>) => {
    setDraft((d) => ({ ...d, ...changes }));
    setErrors((e) => {
      const next = { ...e };
      for (const key of Object.keys(changes)) delete next[key as ErrorKey];
      return next;
    });
  };
  const fieldData = useMemo(() => {
    const groups = new Map<string, { value: string; label: string }[]>();
    for (const f of fields) groups.set(f.group, [...(groups.get(f.group) ?? []), { value: f.key, label: f.label }]);
    return [...groups].map(([group, items]) => ({ group, items }));
  }, [fields]);
  const placeholder = suggestLabel(draft, fields, behaviours);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const built = toRuleBody(draft, fields, behaviours);
    if (built.errors) {
      setErrors(built.errors);
      return;
    }
    save.mutate(rule ? { id: rule.id, body: built.body } : { body: built.body }, {
      onSuccess: onClose,
      onError: (error) => {
        const placed = placeFormErrors(error, isErrorKey);
        setErrors(placed.fieldErrors);
        setFormError(placed.formError);
      },
    });
  };

  return (
    <Modal opened onClose={onClose} title={rule ? 'Change the rule' : 'Add a rule'} size="lg">
      <form onSubmit={submit} noValidate aria-label={rule ? 'Change the rule' : 'Add a rule'}>
        <Stack gap="sm">
          <SegmentedControl
            value={draft.kind}
            onChange={(kind) => set({ kind: kind as RuleDraft['kind'] })}
            data={[
              { value: 'field', label: 'A field’s value' },
              { value: 'behaviour', label: 'Behaviour' },
            ]}
            fullWidth
          />
          {draft.kind === 'field' ? (
            <>
              <Select
                label="Field"
                placeholder="Pick a field"
                data={fieldData}
                value={draft.field}
                searchable
                onChange={(key) => {
                  const next = fields.find((f) => f.key === key);
                  const operator = next ? (operatorsFor(next.type)[0] ?? null) : null;
                  set({
                    field: key,
                    operator,
                    value: operator ? valueForOperator({ ...draft, value: null }, operator) : null,
                  });
                }}
                error={errors.field}
              />
              {field && (
                <Group grow align="flex-start" wrap="wrap" gap="sm">
                  <Select
                    label="Test"
                    data={operatorsFor(field.type).map((op) => ({ value: op, label: operatorLabels[op] }))}
                    value={draft.operator}
                    allowDeselect={false}
                    onChange={(op) => {
                      if (!op) return;
                      set({ operator: op as Operator, value: valueForOperator(draft, op as Operator) });
                    }}
                    error={errors.operator}
                    miw={160}
                  />
                  {valueShape(draft.operator) !== 'none' && (
                    <div style={{ minWidth: 180 }}>
                      <ValueInput
                        field={field}
                        draft={draft}
                        error={errors.value}
                        onChange={(value) => set({ value })}
                      />
                    </div>
                  )}
                </Group>
              )}
            </>
          ) : (
            <Group grow align="flex-start" wrap="wrap" gap="sm">
              <Select
                label="Behaviour"
                placeholder="Pick a behaviour"
                data={behaviours.map((b) => ({ value: b.key, label: b.label }))}
                value={draft.behaviour}
                onChange={(key) => {
                  const next = behaviours.find((b) => b.key === key);
                  set({ behaviour: key, windowDays: next?.takesWindow ? (draft.windowDays ?? 30) : null });
                }}
                error={errors.behaviour}
                miw={200}
              />
              {behaviour && behaviour.key !== NO_TOUCH && (
                <NumberInput
                  label="At least (times)"
                  min={1}
                  max={1000}
                  allowDecimal={false}
                  value={draft.times ?? ''}
                  onChange={(v) => set({ times: typeof v === 'number' ? v : null })}
                  error={errors.value}
                  miw={120}
                />
              )}
              {behaviour?.takesWindow && (
                <NumberInput
                  label={behaviour.key === NO_TOUCH ? 'Days without a touch' : 'Within the last (days)'}
                  placeholder={behaviour.key === NO_TOUCH ? undefined : 'Any time'}
                  min={1}
                  max={365}
                  allowDecimal={false}
                  value={draft.windowDays ?? ''}
                  onChange={(v) => set({ windowDays: typeof v === 'number' ? v : null })}
                  error={errors.windowDays}
                  miw={140}
                />
              )}
            </Group>
          )}
          <Group grow align="flex-start" wrap="wrap" gap="sm">
            <NumberInput
              label="Points"
              description="Negative points lower the score"
              min={-100}
              max={100}
              allowDecimal={false}
              value={draft.points ?? ''}
              onChange={(v) => set({ points: typeof v === 'number' ? v : null })}
              error={errors.points}
              miw={140}
            />
            <TextInput
              label="Name"
              description="How the reason reads on the lead"
              placeholder={placeholder || 'e.g. Source is Web form'}
              value={draft.label}
              maxLength={120}
              onChange={(e) => set({ label: e.currentTarget.value })}
              error={errors.label}
              miw={200}
            />
          </Group>
          <Switch label="Active" checked={draft.active} onChange={(e) => set({ active: e.currentTarget.checked })} />
          {formError && (
            <Alert color="red" variant="light">
              {formError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {rule ? 'Save' : 'Add rule'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
