import { Alert, Anchor, Button, Group, List, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCopy } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useCan } from '../auth/session';
import type { BlockedMatch, OnDuplicate } from './createLead';
import { type DuplicateCheckBody, useDuplicateCheck } from './duplicates.queries';
import { matchLabel } from './GroupCard';

export interface Probe {
  name: string;
  companyName: string;
  emails: string[];
  phones: string[];
}

/** Enough to look for: a name of three letters, an address with an @, or a number of six digits. */
function worthChecking(probe: Probe): boolean {
  return (
    probe.name.trim().length >= 3 ||
    probe.emails.some((e) => e.includes('@')) ||
    probe.phones.some((p) => p.replace(/\D/g, '').length >= 6)
  );
}

function toBody(probe: Probe): DuplicateCheckBody {
  const body: DuplicateCheckBody = {};
  if (probe.name.trim()) body.name = probe.name.trim();
  if (probe.companyName.trim()) body.companyName = probe.companyName.trim();
  const emails = probe.emails.filter((e) => e.includes('@')).slice(0, 10);
  const phones = probe.phones.filter((p) => p.replace(/\D/g, '').length >= 6).slice(0, 10);
  if (emails.length > 0) body.emails = emails;
  if (phones.length > 0) body.phones = phones;
  return body;
}

function MatchList({ matches }: { matches: readonly { id: string; name: string; matchedOn: readonly string[] }[] }) {
  return (
    <List size="sm" spacing={2}>
      {matches.slice(0, 5).map((match) => (
        <List.Item key={match.id}>
          <Anchor component={Link} to={`/leads/${match.id}`} target="_blank" size="sm" fw={600}>
            {match.name}
          </Anchor>
          <Text span size="xs" c="dimmed">
            {' '}
            · {match.matchedOn.map(matchLabel).join(', ').toLowerCase()}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}

/** While a new lead is typed: the existing leads it looks like, asked for once the typing pauses. */
export function DuplicateHint({ probe }: { probe: Probe }) {
  const [settled] = useDebouncedValue(probe, 450);
  const check = useDuplicateCheck(toBody(settled), worthChecking(settled));
  const matches = worthChecking(probe) ? (check.data?.data ?? []) : [];
  return (
    <div aria-live="polite">
      {matches.length > 0 && (
        <Alert color="yellow" icon={<IconCopy size={18} />} title="This lead may already exist" p="sm">
          <MatchList matches={matches} />
          {matches.length > 5 && (
            <Text size="xs" c="dimmed" mt={4}>
              and {matches.length - 5} more
            </Text>
          )}
        </Alert>
      )}
    </div>
  );
}

/** A create the company's policy refused as a duplicate: the matches, and the ways on. */
export function BlockedDuplicate({
  matches,
  detail,
  onRetry,
  busy,
}: {
  matches: BlockedMatch[];
  detail: string;
  onRetry: (onDuplicate: OnDuplicate) => void;
  busy: boolean;
}) {
  const canOverride = useCan('duplicates:override');
  const canWrite = useCan('leads:write');
  return (
    <Alert color="red" icon={<IconCopy size={18} />} title="Not created: this lead already exists" role="alert">
      {matches.length > 0 ? <MatchList matches={matches} /> : <Text size="sm">{detail}</Text>}
      <Group gap="xs" mt="sm">
        {canWrite && matches.length > 0 && (
          <Button size="xs" variant="white" color="red" onClick={() => onRetry('merge')} loading={busy}>
            Add these details to {matches[0]?.name}
          </Button>
        )}
        {canOverride && (
          <Button size="xs" variant="subtle" color="red" onClick={() => onRetry('create')} loading={busy}>
            Create it anyway
          </Button>
        )}
      </Group>
    </Alert>
  );
}
