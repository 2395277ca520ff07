import { Alert, Anchor, Card, Center, EmptyState, Group, Skeleton, Stack } from '@mantine/core';
import { IconArrowLeft, IconMapSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ApiError, errorMessage } from '../../lib/problem';
import { DryRunStep } from './DryRunStep';
import { ImportSteps } from './ImportSteps';
import { ImportStatusBadge } from './ImportsHistory';
import { cleanMapping } from './importFields';
import {
  type DryRunResult,
  type ImportDetail,
  type Mapping,
  type OnDuplicate,
  useDryRun,
  useImport,
  useRunImport,
  useSetMapping,
} from './imports.queries';
import { FileFacts, MappingStep } from './MappingStep';
import { ProgressStep, ResultStep } from './ResultStep';

function BackLink() {
  return (
    <Anchor component={Link} to="/leads/import" size="sm" c="dimmed">
      <Group gap={4}>
        <IconArrowLeft size={14} />
        Imports
      </Group>
    </Anchor>
  );
}

/** /leads/import/:id: the import where it stands, from the mapping to the result. */
export function ImportWizardPage() {
  const { id = '' } = useParams();
  const detail = useImport(id);

  if (detail.isPending) {
    return (
      <Stack aria-busy="true" aria-label="Loading the import">
        <Skeleton h={18} w={80} />
        <Skeleton h={36} w="40%" />
        <Skeleton h={360} />
      </Stack>
    );
  }
  if (detail.isError) {
    if (detail.error instanceof ApiError && (detail.error.status === 404 || detail.error.status === 400)) {
      return (
        <Center py={80}>
          <EmptyState
            icon={<IconMapSearch size={28} />}
            title="Import not found"
            description="It may belong to someone else, or the address is mistyped."
          >
            <Anchor component={Link} to="/leads/import" mt="md">
              Back to imports
            </Anchor>
          </EmptyState>
        </Center>
      );
    }
    return (
      <Stack>
        <BackLink />
        <ErrorAlert error={detail.error} onRetry={() => detail.refetch()} title="Could not load this import" />
      </Stack>
    );
  }
  return (
    <>
      <PageHeader
        above={<BackLink />}
        title="Import leads"
        description={
          <Group gap="xs" component="span">
            <span>{detail.data.fileName}</span>
            <ImportStatusBadge status={detail.data.status} />
          </Group>
        }
      />
      <Card>
        {detail.data.status === 'uploaded' ? (
          <Setup key={detail.data.id} detail={detail.data} />
        ) : detail.data.status === 'queued' || detail.data.status === 'running' ? (
          <>
            <ImportSteps active={3} />
            <ProgressStep detail={detail.data} />
          </>
        ) : (
          <>
            <ImportSteps active={detail.data.status === 'done' ? 5 : 4} />
            <ResultStep detail={detail.data} />
          </>
        )}
      </Card>
    </>
  );
}

/** Mapping and trial run: kept in this component's state until the import starts. */
function Setup({ detail }: { detail: ImportDetail }) {
  const [mapping, setMapping] = useState<Mapping>(detail.mapping ?? detail.suggestedMapping);
  const [mappingId, setMappingId] = useState<string | null>(detail.mappingId);
  const [phase, setPhase] = useState<'mapping' | 'check'>('mapping');
  const [onDuplicate, setOnDuplicate] = useState<OnDuplicate | null>(detail.onDuplicate);
  const [useRules, setUseRules] = useState(detail.useAssignmentRules);
  const [result, setResult] = useState<DryRunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const setServerMapping = useSetMapping(detail.id);
  const dryRun = useDryRun(detail.id);
  const run = useRunImport(detail.id);

  const check = async (duplicates: OnDuplicate | null) => {
    setError(null);
    try {
      const clean = cleanMapping(mapping);
      await setServerMapping.mutateAsync({ mapping: clean });
      const next = await dryRun.mutateAsync({ mapping: clean, ...(duplicates ? { onDuplicate: duplicates } : {}) });
      setResult(next);
      setPhase('check');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const start = () => {
    setError(null);
    run.mutate(
      { mapping: cleanMapping(mapping), useAssignmentRules: useRules, ...(onDuplicate ? { onDuplicate } : {}) },
      { onError: (err) => setError(errorMessage(err)) },
    );
  };

  return (
    <>
      <ImportSteps active={phase === 'mapping' ? 1 : 2} />
      {error && (
        <Alert color="red" title="That did not work" mb="md" role="alert">
          {error}
        </Alert>
      )}
      {phase === 'mapping' || !result ? (
        <MappingStep
          detail={detail}
          mapping={mapping}
          onChange={setMapping}
          mappingId={mappingId}
          onMappingId={setMappingId}
          onNext={() => check(onDuplicate)}
          busy={setServerMapping.isPending || dryRun.isPending}
        />
      ) : (
        <Stack gap="lg">
          <FileFacts detail={detail} />
          <DryRunStep
            result={result}
            onDuplicate={onDuplicate}
            onDuplicateChange={(value) => {
              setOnDuplicate(value);
              void check(value);
            }}
            useRules={useRules}
            onUseRules={setUseRules}
            onBack={() => setPhase('mapping')}
            onRun={start}
            checking={dryRun.isPending}
            running={run.isPending}
          />
        </Stack>
      )}
    </>
  );
}
