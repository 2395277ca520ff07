import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  NumberInput,
  Radio,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconArrowLeft, IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { NotFoundPage } from '../../../components/StatusPages';
import { notifySuccess } from '../../../lib/notify';
import { ApiError } from '../../../lib/problem';
import { useCustomFields } from '../../leads/customFields.queries';
import type { AssignmentRule } from '../settings.types';
import { useCreateRule, useRule, useUpdateRule } from './assignment.queries';
import { ConditionsEditor } from './ConditionsEditor';
import { conditionFields, fieldOf } from './conditions';
import { PeoplePicker } from './PeoplePicker';
import classes from './RuleEditor.module.css';
import { RuleTestPanel } from './RuleTestPanel';
import {
  checkConditionDrafts,
  draftOfRule,
  newRuleDraft,
  noRuleErrors,
  placeRuleErrors,
  type RuleDraft,
  type RuleErrors,
  ruleBody,
  ruleChanges,
} from './ruleDraft';
import { isStrategy, strategies } from './strategies';

const back = (
  <Anchor component={Link} to="/settings/assignment" size="sm" c="dimmed">
    <Group gap={4}>
      <IconArrowLeft size={14} />
      All assignment rules
    </Group>
  </Anchor>
);

function RuleEditor({ rule, makeDefault }: { rule: AssignmentRule | null; makeDefault: boolean }) {
  const navigate = useNavigate();
  const customFields = useCustomFields('all');
  const fields = conditionFields(customFields.data ?? []);
  const [initial] = useState<RuleDraft>(() => (rule ? draftOfRule(rule) : newRuleDraft(makeDefault)));
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const [errors, setErrors] = useState<RuleErrors>(noRuleErrors);
  const create = useCreateRule();
  const update = useUpdateRule();
  const pending = create.isPending || update.isPending;
  const dirty = JSON.stringify(ruleBody(draft)) !== JSON.stringify(ruleBody(initial));

  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, rule: { ...current.rule, [key]: undefined } }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems: RuleErrors['rule'] = {};
    if (!draft.name.trim()) problems.name = 'Give the rule a name';
    if (draft.userIds.length === 0) problems.userIds = 'Choose who gets the leads';
    const conditions = draft.isDefault ? {} : checkConditionDrafts(draft.conditions);
    if (Object.keys(problems).length > 0 || Object.keys(conditions).length > 0) {
      setErrors({ ...noRuleErrors, rule: problems, conditions });
      return;
    }
    setErrors(noRuleErrors);
    const onError = (error: unknown) => setErrors(placeRuleErrors(error, draft.conditions));
    if (rule) {
      update.mutate(
        { id: rule.id, body: ruleChanges(rule, draft) },
        { onSuccess: (saved) => notifySuccess(`${saved.name} was saved.`, 'Rule saved'), onError },
      );
    } else {
      create.mutate(ruleBody(draft), {
        onSuccess: (saved) => {
          notifySuccess(`${saved.name} now routes new leads.`, 'Rule added');
          navigate('/settings/assignment', { replace: true });
        },
        onError,
      });
    }
  };

  const usedFields = draft.conditions.map((item) => fieldOf(item.condition));

  return (
    <Stack gap="lg">
      <form onSubmit={submit} noValidate aria-label={rule ? `Edit ${rule.name}` : 'New assignment rule'}>
        <Stack gap="lg">
          <Card p={{ base: 'md', sm: 'lg' }}>
            <Stack gap="md">
              <TextInput
                label="Name"
                placeholder="e.g. Karnataka web leads"
                value={draft.name}
                onChange={(event) => set('name', event.currentTarget.value)}
                error={errors.rule.name}
                maxLength={120}
              />
              <Switch
                label="Active"
                description="An inactive rule is skipped; leads go on to the next one."
                checked={draft.active}
                onChange={(event) => set('active', event.currentTarget.checked)}
              />
              {draft.isDefault && (
                <Alert color="grape" variant="light" icon={<IconInfoCircle size={18} />}>
                  This is the default rule: it is tried last, takes every lead no other rule took, and every lead whose
                  rule found nobody available. It has no conditions.
                </Alert>
              )}
              {errors.rule.isDefault && (
                <Text size="sm" c="red">
                  {errors.rule.isDefault}
                </Text>
              )}
            </Stack>
          </Card>

          {!draft.isDefault && (
            <Card p={{ base: 'md', sm: 'lg' }}>
              <Title order={3}>Which leads</Title>
              <Text size="sm" c="dimmed" mb="md">
                Every condition must hold. Text is compared without regard to case.
              </Text>
              {errors.rule.conditions && (
                <Text size="sm" c="red" mb="sm">
                  {errors.rule.conditions}
                </Text>
              )}
              <ConditionsEditor
                conditions={draft.conditions}
                fields={fields}
                errors={errors.conditions}
                onChange={(conditions) => {
                  set('conditions', conditions);
                  setErrors((current) => ({ ...current, conditions: {} }));
                }}
              />
            </Card>
          )}

          <Card p={{ base: 'md', sm: 'lg' }}>
            <Title order={3} mb="md">
              Who gets them
            </Title>
            <Stack gap="md">
              <Radio.Group
                label="How to choose"
                value={draft.strategy}
                onChange={(value) => {
                  if (!isStrategy(value)) return;
                  set('strategy', value);
                  if (value === 'user' && draft.userIds.length > 1) set('userIds', draft.userIds.slice(0, 1));
                }}
                error={errors.rule.strategy}
              >
                <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" mt="xs">
                  {strategies.map((strategy) => (
                    <Radio.Card key={strategy.value} value={strategy.value} p="sm" radius="md">
                      <Group wrap="nowrap" align="flex-start" gap="sm">
                        <Radio.Indicator mt={2} />
                        <div>
                          <Text size="sm" fw={600}>
                            {strategy.label}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {strategy.description}
                          </Text>
                        </div>
                      </Group>
                    </Radio.Card>
                  ))}
                </SimpleGrid>
              </Radio.Group>
              <PeoplePicker
                strategy={draft.strategy}
                userIds={draft.userIds}
                weights={draft.weights}
                known={rule?.users ?? []}
                error={errors.rule.userIds}
                weightsError={errors.rule.weights}
                onChange={(userIds, weights) => {
                  setDraft((current) => ({ ...current, userIds, weights }));
                  setErrors((current) => ({
                    ...current,
                    rule: { ...current.rule, userIds: undefined, weights: undefined },
                  }));
                }}
              />
              <NumberInput
                label="Response SLA (minutes)"
                description="If the owner has not touched the lead this long after getting it, it goes to the next available person. Empty: no SLA."
                placeholder="No SLA"
                min={1}
                max={43_200}
                allowDecimal={false}
                allowNegative={false}
                value={draft.slaMinutes}
                onChange={(value) => set('slaMinutes', typeof value === 'number' ? value : '')}
                error={errors.rule.slaMinutes}
                maw={320}
              />
            </Stack>
          </Card>

          <div className={classes.saveBar}>
            {errors.general && (
              <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert" style={{ flex: '1 1 100%' }}>
                {errors.general}
              </Alert>
            )}
            <Button
              variant="default"
              onClick={() => {
                setDraft(initial);
                setErrors(noRuleErrors);
              }}
              disabled={!dirty || pending}
            >
              Discard
            </Button>
            <Button type="submit" loading={pending} disabled={Boolean(rule) && !dirty}>
              {rule ? 'Save rule' : 'Add rule'}
            </Button>
          </div>
        </Stack>
      </form>

      <RuleTestPanel
        fields={fields}
        usedFields={usedFields}
        draft={() => ruleBody(draft)}
        onInvalidDraft={(error) => setErrors(placeRuleErrors(error, draft.conditions))}
      />
    </Stack>
  );
}

function ExistingRule({ id }: { id: string }) {
  const query = useRule(id);
  if (query.isPending) {
    return (
      <Stack>
        {back}
        <Skeleton h={40} w={280} />
        <Skeleton h={320} />
      </Stack>
    );
  }
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) return <NotFoundPage />;
    return (
      <Stack>
        {back}
        <ErrorAlert error={query.error} onRetry={() => query.refetch()} title="Could not load this rule" />
      </Stack>
    );
  }
  return (
    <Stack gap="md">
      {back}
      <Title order={2} style={{ overflowWrap: 'anywhere' }}>
        {query.data.name}
      </Title>
      <RuleEditor key={query.data.updatedAt} rule={query.data} makeDefault={false} />
    </Stack>
  );
}

export function RuleEditorPage() {
  const { id = 'new' } = useParams();
  const [params] = useSearchParams();
  if (id !== 'new') return <ExistingRule key={id} id={id} />;
  const makeDefault = params.get('default') === '1';
  return (
    <Stack gap="md">
      {back}
      <Title order={2}>{makeDefault ? 'New default rule' : 'New assignment rule'}</Title>
      <RuleEditor rule={null} makeDefault={makeDefault} />
    </Stack>
  );
}
