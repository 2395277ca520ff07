import { MultiSelect, NumberInput, Select, Stack, Text } from '@mantine/core';
import { usePeople } from '../people.queries';
import type { AssignmentRule, RuleStrategy } from '../settings.types';
import classes from './RuleEditor.module.css';

/**
 * The salespeople a rule hands leads to (only salespeople own leads): one for the user strategy, an ordered list
 * otherwise, with a weight each for the weighted strategy.
 */
export function PeoplePicker({
  strategy,
  userIds,
  weights,
  known,
  error,
  weightsError,
  onChange,
}: {
  strategy: RuleStrategy;
  userIds: string[];
  weights: Record<string, number>;
  /** The rule's people as saved, so a name shows even for someone no longer active. */
  known: AssignmentRule['users'];
  error: string | undefined;
  weightsError: string | undefined;
  onChange: (userIds: string[], weights: Record<string, number>) => void;
}) {
  const people = usePeople(['SALESPERSON']);
  const options = people.people.map((person) => ({ value: person.id, label: person.name }));
  for (const user of known) {
    if (!options.some((option) => option.value === user.id)) {
      options.push({ value: user.id, label: `${user.name}${user.active ? '' : ' (inactive)'}` });
    }
  }
  const nameOf = (id: string) => options.find((option) => option.value === id)?.label ?? 'Someone';
  const placeholder = people.isPending ? 'Loading salespeople…' : undefined;

  if (strategy === 'user') {
    return (
      <Select
        label="Salesperson"
        description="Every lead this rule takes goes to this person."
        placeholder={placeholder ?? 'Choose a salesperson'}
        data={options}
        value={userIds[0] ?? null}
        onChange={(value) => onChange(value ? [value] : [], weights)}
        searchable
        nothingFoundMessage="No salesperson by that name"
        error={error}
      />
    );
  }

  return (
    <Stack gap="sm">
      <MultiSelect
        label="Salespeople"
        description={
          strategy === 'round_robin'
            ? 'Leads go to them in turn, in the order chosen here.'
            : strategy === 'least_loaded'
              ? 'Each lead goes to whoever of them owns the fewest open leads.'
              : 'Each gets leads in proportion to the weight below.'
        }
        placeholder={userIds.length === 0 ? (placeholder ?? 'Choose salespeople') : undefined}
        data={options}
        value={userIds}
        onChange={(value) => onChange(value, weights)}
        searchable
        nothingFoundMessage="No salesperson by that name"
        error={error}
        comboboxProps={{ keepMounted: false }}
      />
      {strategy === 'weighted' && userIds.length > 0 && (
        <div className={classes.weights}>
          <Text size="sm" fw={500}>
            Weights
          </Text>
          {userIds.map((id) => (
            <div key={id} className={classes.weight}>
              <Text size="sm" truncate>
                {nameOf(id)}
              </Text>
              <NumberInput
                aria-label={`Weight of ${nameOf(id)}`}
                size="xs"
                w={110}
                min={1}
                max={1000}
                allowDecimal={false}
                allowNegative={false}
                value={weights[id] ?? 1}
                onChange={(value) => onChange(userIds, { ...weights, [id]: typeof value === 'number' ? value : 1 })}
              />
            </div>
          ))}
          {weightsError && (
            <Text size="xs" c="red">
              {weightsError}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            A weight of 2 gets twice the leads of a weight of 1.
          </Text>
        </div>
      )}
    </Stack>
  );
}
