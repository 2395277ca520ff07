import { ActionIcon, Badge, Group, Text, TextInput, Tooltip, UnstyledButton } from '@mantine/core';
import { IconGripVertical, IconPencil, IconTrash } from '@tabler/icons-react';
import { type HTMLAttributes, type KeyboardEvent, useState } from 'react';
import { errorMessage } from '../../../lib/problem';
import { fieldLabel } from '../leadFields';
import { OrderButtons } from '../ordering';
import type { Stage } from '../settings.types';
import classes from './PipelinePage.module.css';
import { useUpdateStage } from './pipeline.queries';
import { probabilityText } from './probability';
import { kindOf } from './stageKinds';

/** The stage's name; a click turns it into a field, Enter (or leaving it) saves and Escape puts it back. */
function InlineName({ stage }: { stage: Stage }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(stage.name);
  const [error, setError] = useState<string | null>(null);
  const update = useUpdateStage();

  const stop = () => {
    setEditing(false);
    setError(null);
    setValue(stage.name);
  };

  const save = () => {
    const name = value.trim();
    if (!name) {
      setError('Enter a name');
      return;
    }
    if (name === stage.name) {
      stop();
      return;
    }
    update.mutate(
      { key: stage.key, body: { name } },
      {
        onSuccess: () => {
          setEditing(false);
          setError(null);
        },
        onError: (failure) => setError(errorMessage(failure)),
      },
    );
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      save();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      stop();
    }
  };

  if (!editing) {
    return (
      <Tooltip label="Click to rename" openDelay={500}>
        <UnstyledButton
          className={classes.name}
          onClick={() => {
            setValue(stage.name);
            setEditing(true);
          }}
          aria-label={`Rename ${stage.name}`}
        >
          <Text fw={600} size="sm" truncate>
            {update.isPending ? value : stage.name}
          </Text>
        </UnstyledButton>
      </Tooltip>
    );
  }

  return (
    <TextInput
      aria-label={`New name for ${stage.name}`}
      size="xs"
      value={value}
      onChange={(event) => {
        setValue(event.currentTarget.value);
        setError(null);
      }}
      onKeyDown={onKeyDown}
      onBlur={() => {
        if (!update.isPending) save();
      }}
      error={error}
      maxLength={60}
      disabled={update.isPending}
      autoFocus
      maw={320}
    />
  );
}

export function StageRow({
  stage,
  index,
  count,
  customLabels,
  dragProps,
  handleProps,
  reordering,
  onMove,
  onEdit,
  onDelete,
}: {
  stage: Stage;
  index: number;
  count: number;
  customLabels: ReadonlyMap<string, string>;
  dragProps: HTMLAttributes<HTMLElement>;
  handleProps: HTMLAttributes<HTMLElement>;
  reordering: boolean;
  onMove: (from: number, to: number) => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const kind = kindOf(stage.kind);
  return (
    <li className={classes.row} {...dragProps} data-testid={`stage-${stage.key}`}>
      <span className={classes.handle} aria-hidden="true" {...handleProps}>
        <IconGripVertical size={18} />
      </span>
      <span className={classes.position} aria-hidden="true">
        {index + 1}
      </span>
      <div className={classes.main}>
        <Group gap="xs" wrap="nowrap" miw={0}>
          <InlineName stage={stage} />
          <Badge color={kind.color} size="sm" style={{ flex: 'none' }}>
            {kind.label}
          </Badge>
        </Group>
        <Group gap={6} mt={4}>
          {stage.kind === 'open' && (
            <Tooltip
              label={
                stage.probability === null
                  ? 'Win probability for the weighted forecast: learnt from the stage’s history'
                  : 'Win probability for the weighted forecast, set by an admin'
              }
              openDelay={300}
              withinPortal
              multiline
              maw={260}
            >
              <Badge
                size="sm"
                variant="light"
                color={stage.probability === null ? 'gray' : 'violet'}
                tt="none"
                style={{ flex: 'none' }}
                data-testid={`stage-probability-${stage.key}`}
              >
                {stage.probability === null ? 'Win %: learnt' : `Win ${probabilityText(stage.probability)}`}
              </Badge>
            </Tooltip>
          )}
          {stage.requiredFields.length === 0 ? (
            <Text size="xs" c="dimmed">
              Nothing required
            </Text>
          ) : (
            <>
              <Text size="xs" c="dimmed">
                Requires
              </Text>
              {stage.requiredFields.map((field) => (
                <Badge key={field} size="sm" variant="default" radius="sm" tt="none" fw={500}>
                  {fieldLabel(field, customLabels)}
                </Badge>
              ))}
            </>
          )}
        </Group>
      </div>
      <Group gap={2} wrap="nowrap" className={classes.actions}>
        <OrderButtons name={stage.name} index={index} count={count} disabled={reordering} onMove={onMove} />
        <Tooltip label="Edit" openDelay={400}>
          <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${stage.name}`} onClick={onEdit}>
            <IconPencil size={16} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label="Delete" openDelay={400}>
          <ActionIcon variant="subtle" color="red" aria-label={`Delete ${stage.name}`} onClick={onDelete}>
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </li>
  );
}
