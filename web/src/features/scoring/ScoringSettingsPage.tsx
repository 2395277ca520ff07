import { Button, Stack } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { notifyError, notifySuccess } from '../../lib/notify';
import { SectionHeader } from '../settings/SettingsSection';
import { ModelsCard } from './ModelsCard';
import { RulesCard } from './RulesCard';
import { useRescore } from './scoring.queries';
import { ThresholdsCard } from './ThresholdsCard';

/** Settings → Lead scoring: the tiers, the rules, the model and its quality, and scoring every lead again. */
export function ScoringSettingsPage() {
  const rescore = useRescore();
  return (
    <>
      <SectionHeader
        title="Lead scoring"
        description="Every lead gets a score from 0 to 100 with the reasons behind it: from your rules, or from a model trained on your own closed leads once you switch one on."
        actions={
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            loading={rescore.isPending}
            onClick={() =>
              rescore.mutate(undefined, {
                onSuccess: () => notifySuccess('Scoring every lead again: scores change in a moment'),
                onError: (e) => notifyError(e, 'Could not rescore'),
              })
            }
          >
            Rescore now
          </Button>
        }
      />
      <Stack gap="lg">
        <ThresholdsCard />
        <RulesCard />
        <ModelsCard />
      </Stack>
    </>
  );
}
