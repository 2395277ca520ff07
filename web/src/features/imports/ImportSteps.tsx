import { Group, Progress, Stepper, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

export const stepLabels = ['Upload', 'Map columns', 'Check', 'Import', 'Result'] as const;

/** Where the import stands; on a phone a line of text and a bar, since five steps do not fit across. */
export function ImportSteps({ active }: { active: number }) {
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  if (compact) {
    return (
      <div style={{ marginBottom: 'var(--mantine-spacing-md)' }}>
        <Group justify="space-between" mb={4}>
          <Text size="sm" fw={600}>
            {stepLabels[Math.min(active, stepLabels.length - 1)]}
          </Text>
          <Text size="xs" c="dimmed">
            Step {Math.min(active + 1, stepLabels.length)} of {stepLabels.length}
          </Text>
        </Group>
        <Progress value={((active + 1) / stepLabels.length) * 100} size="sm" aria-label="Import steps" />
      </div>
    );
  }
  return (
    <Stepper active={active} size="sm" mb="lg" allowNextStepsSelect={false} aria-label="Import steps">
      {stepLabels.map((label) => (
        <Stepper.Step key={label} label={label} />
      ))}
    </Stepper>
  );
}
