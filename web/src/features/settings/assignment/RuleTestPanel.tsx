import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconCheck, IconFlask, IconUserCheck, IconUserOff, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { ApiError, errorMessage } from '../../../lib/problem';
import { CUSTOM_PREFIX } from '../leadFields';
import type { CreateRuleBody, SampleLead, TestRuleResult } from '../settings.types';
import { useTestRule } from './assignment.queries';
import { type ConditionField, optionsWith, PLACE } from './conditions';
import classes from './RuleTestPanel.module.css';
import { strategyLabel } from './strategies';

function draftRefused(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.problem.errors ?? []).some((item) => /^\/?(body[./])?rule[./]/.test(item.path))
  );
}

/** The sample's inputs, all as typed; turned into a lead only when the test runs. */
type Sample = Record<string, string | number | string[]>;

const basics = ['name', 'source', 'city', 'state', 'territory', 'product', 'campaign', 'expectedValue'];

function leadOf(sample: Sample, fields: readonly ConditionField[]): SampleLead {
  const lead: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(sample)) {
    if (raw === '' || (Array.isArray(raw) && raw.length === 0)) continue;
    const field = fields.find((item) => item.value === key);
    let value: unknown = raw;
    if (field?.kind === 'boolean') value = raw === 'true';
    if (field?.kind === 'list' && typeof raw === 'string') value = [raw];
    if (key.startsWith(CUSTOM_PREFIX)) custom[key.slice(CUSTOM_PREFIX.length)] = value;
    else lead[key] = value;
  }
  if (Object.keys(custom).length > 0) lead.customFields = custom;
  return lead as SampleLead;
}

function SampleInput({
  field,
  value,
  onChange,
}: {
  field: ConditionField;
  value: string | number | string[] | undefined;
  onChange: (value: string | number | string[]) => void;
}) {
  // "Name" alone would read as the rule's name in the editor above.
  const label = field.value === 'name' ? 'Lead name' : field.label;
  if (field.kind === 'list') {
    return (
      <TagsInput
        label={label}
        size="sm"
        value={Array.isArray(value) ? value : []}
        onChange={onChange}
        data={(field.options ?? []).map((option) => option.value)}
        splitChars={[',']}
      />
    );
  }
  if (field.options || field.kind === 'boolean') {
    const options =
      field.kind === 'boolean'
        ? [
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]
        : optionsWith(field.options ?? [], [value]);
    return (
      <Select
        label={label}
        size="sm"
        data={options}
        value={typeof value === 'string' && value ? value : null}
        onChange={(next) => onChange(next ?? '')}
        clearable
      />
    );
  }
  if (field.kind === 'number') {
    return (
      <NumberInput
        thousandSeparator=","
        label={label}
        size="sm"
        value={typeof value === 'number' ? value : ''}
        onChange={(next) => onChange(typeof next === 'number' ? next : '')}
        min={0}
      />
    );
  }
  return (
    <TextInput
      label={label}
      size="sm"
      type={field.kind === 'date' ? 'date' : 'text'}
      value={typeof value === 'string' ? value : ''}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

function Result({ result, wholeList }: { result: TestRuleResult; wholeList: boolean }) {
  const { decision } = result;
  const assigned = decision.ownerId !== null;
  return (
    <div className={classes.result} aria-live="polite">
      <div className={classes.decision} data-unassigned={!assigned || undefined}>
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <ThemeIcon color={assigned ? 'teal' : 'orange'} variant="filled" radius="xl" size={28}>
            {assigned ? <IconUserCheck size={16} /> : <IconUserOff size={16} />}
          </ThemeIcon>
          <Stack gap={2} miw={0}>
            <Text size="sm" fw={650} data-testid="test-decision">
              {assigned ? `Goes to ${decision.ownerName ?? 'a salesperson'}` : 'Stays unassigned'}
            </Text>
            <Text size="xs">
              {[
                decision.ruleName ? `Rule: ${decision.ruleName}` : null,
                decision.strategy ? strategyLabel(decision.strategy) : null,
                decision.slaMinutes ? `SLA ${decision.slaMinutes} min` : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
            <Text size="xs" c="dimmed">
              {decision.detail}
            </Text>
          </Stack>
        </Group>
      </div>

      {decision.candidates.length > 0 && (
        <>
          <Text size="xs" fw={600} tt="uppercase" c="dimmed" mt="md" mb={4} style={{ letterSpacing: '0.04em' }}>
            Candidates
          </Text>
          <ul className={classes.candidates} aria-label="Candidates">
            {decision.candidates.map((candidate) => (
              <li key={candidate.userId} className={classes.candidate}>
                <Text size="sm" fw={candidate.chosen ? 650 : 500}>
                  {candidate.name}
                </Text>
                {candidate.chosen ? (
                  <Badge color="teal" size="sm" variant="filled">
                    Chosen
                  </Badge>
                ) : (
                  <Text size="xs" c="dimmed" ta="right" maw="65%">
                    {candidate.skipped ?? 'Not chosen'}
                  </Text>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      {wholeList && result.evaluated.length > 0 && (
        <>
          <Text size="xs" fw={600} tt="uppercase" c="dimmed" mt="md" mb={4} style={{ letterSpacing: '0.04em' }}>
            Rules tried
          </Text>
          <Stack gap={4}>
            {result.evaluated.map((rule) => (
              <Group key={rule.ruleId ?? rule.ruleName} gap="xs" wrap="nowrap">
                <ThemeIcon size={18} radius="xl" color={rule.matched ? 'teal' : 'gray'} variant="light">
                  {rule.matched ? <IconCheck size={12} /> : <IconX size={12} />}
                </ThemeIcon>
                <Text size="sm" c={rule.matched ? undefined : 'dimmed'} truncate>
                  {rule.ruleName}
                  {rule.isDefault ? ' (default)' : ''}
                </Text>
              </Group>
            ))}
          </Stack>
        </>
      )}
    </div>
  );
}

/**
 * A dry run on a sample lead: of the rule being edited (`draft`), or of the whole list when there is none.
 * Nothing is written; round-robin turns are not used up.
 */
export function RuleTestPanel({
  fields,
  usedFields = [],
  draft,
  onInvalidDraft,
}: {
  fields: readonly ConditionField[];
  /** Fields the rule's conditions read: offered next to the basics so a match can be tried. */
  usedFields?: readonly string[];
  draft?: () => CreateRuleBody;
  /** The draft itself was refused (its errors are under `rule.`): the editor marks the fields. */
  onInvalidDraft?: (error: unknown) => void;
}) {
  const [sample, setSample] = useState<Sample>({ name: 'Sample lead', source: 'web_form' });
  const test = useTestRule();
  const wanted = [...basics, ...usedFields.filter((field) => field !== PLACE && !basics.includes(field))];
  const inputs = wanted.flatMap((key) => fields.find((field) => field.value === key) ?? []);

  const run = () => {
    const lead = leadOf(sample, fields);
    test.mutate(draft ? { rule: draft(), lead } : { lead }, {
      onError: (error) => {
        if (draftRefused(error)) onInvalidDraft?.(error);
      },
    });
  };

  return (
    <Card p={{ base: 'md', sm: 'lg' }}>
      <Group gap="xs" mb={4}>
        <IconFlask size={20} stroke={1.7} />
        <Title order={3}>{draft ? 'Test this rule' : 'Try your rules'}</Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {draft
          ? 'Describe a sample lead to see whether this rule, as it stands now, takes it and who would get it.'
          : 'Describe a sample lead to see which rule takes it and who would get it. Nothing is saved.'}
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="xs">
        {inputs.map((field) => (
          <SampleInput
            key={field.value}
            field={field}
            value={sample[field.value]}
            onChange={(value) => setSample((current) => ({ ...current, [field.value]: value }))}
          />
        ))}
      </SimpleGrid>
      <Group justify="flex-end" mt="md">
        <Button leftSection={<IconFlask size={16} />} onClick={run} loading={test.isPending} variant="light">
          {draft ? 'Test on this lead' : 'Run the rules'}
        </Button>
      </Group>
      {test.isError && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} mt="md" role="alert" title="The test could not run">
          {draftRefused(test.error)
            ? 'The rule is not complete yet: fix the fields marked in red above, then test again.'
            : errorMessage(test.error)}
        </Alert>
      )}
      {test.data && !test.isError && <Result result={test.data} wholeList={!draft} />}
    </Card>
  );
}
