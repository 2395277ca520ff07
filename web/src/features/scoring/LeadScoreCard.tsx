import { Card, Group, List, Stack, Text, Tooltip } from '@mantine/core';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatRelative } from '../../lib/format';
import { isTier, ScoreTierBadge } from './ScoreTierBadge';
import { useLeadScore } from './scoring.queries';
import type { ScoreReason } from './scoring.types';

const sourceLabels: Record<string, string> = { rules: 'Scored by the rules', model: 'Scored by the model' };

/** "+12" in green, "−8" in red. */
export function Points({ points }: { points: number }) {
  return (
    <Text span size="sm" fw={650} c={points > 0 ? 'teal.8' : 'red.8'} style={{ fontVariantNumeric: 'tabular-nums' }}>
      {points > 0 ? `+${points}` : `−${Math.abs(points)}`}
    </Text>
  );
}

function Reasons({ reasons }: { reasons: ScoreReason[] }) {
  if (reasons.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No reason to show.
      </Text>
    );
  }
  return (
    <List spacing={4} size="sm" listStyleType="none" data-testid="score-reasons">
      {reasons.map((reason, i) => (
        // Two reasons may read alike (two rules with one label): the position tells them apart.
        // biome-ignore lint/suspicious/noArrayIndexKey: reasons have no id, and their order is fixed
        <List.Item key={i}>
          <Group gap="xs" wrap="nowrap" align="baseline">
            <Points points={reason.points} />
            <Text size="sm">{reason.label}</Text>
          </Group>
        </List.Item>
      ))}
    </List>
  );
}

/**
 * The lead's score: the number, its tier, the reasons in words with their points, and when it was scored. A closed
 * lead (`closed`) shows the last score it had while open, which is no longer rescored.
 */
export function LeadScoreCard({ leadId, closed = false }: { leadId: string; closed?: boolean }) {
  const score = useLeadScore(leadId);
  if (score.isPending) return null;
  if (score.isError) {
    return (
      <Card>
        <Text fw={650} mb="sm">
          Score
        </Text>
        <ErrorAlert error={score.error} onRetry={() => score.refetch()} />
      </Card>
    );
  }
  const data = score.data;
  return (
    <Card data-testid="lead-score">
      <Text fw={650} mb="sm">
        {closed ? 'Score when it closed' : 'Score'}
      </Text>
      {data.score === null ? (
        <Text size="sm" c="dimmed">
          Not scored yet.
        </Text>
      ) : (
        <Stack gap="sm">
          <Group gap="sm" align="center">
            <Text fz={40} fw={700} lh={1} data-testid="score-value" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {data.score}
            </Text>
            {isTier(data.tier) && <ScoreTierBadge tier={data.tier} size="lg" />}
            {!closed && data.probability !== null && data.source === 'model' && (
              <Text size="sm" c="dimmed">
                {Math.round(data.probability * 100)}% likely to be won
              </Text>
            )}
          </Group>
          <Reasons reasons={data.reasons} />
          <Text size="xs" c="dimmed">
            {data.source ? sourceLabels[data.source] : 'Scored'}
            {data.scoredAt && (
              <>
                {' · '}
                <Tooltip label={formatDateTime(data.scoredAt)}>
                  <span>scored {formatRelative(data.scoredAt)}</span>
                </Tooltip>
              </>
            )}
          </Text>
        </Stack>
      )}
    </Card>
  );
}
