import {
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { IconArrowLeft, IconLock, IconMail, IconPaperclip } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan, useMe } from '../auth/session';
import { AttachmentsCard } from '../files/AttachmentsCard';
import { downloadFile, useFiles } from '../files/files.queries';
import { UserPicker } from '../leads/UserPicker';
import { TicketSatisfaction } from './TicketSatisfaction';
import { categoryOptions, priorityColors, priorityOptions, statusOptions } from './tickets.labels';
import {
  type Ticket,
  type TicketMessage,
  useAddMessage,
  useTicket,
  useTicketCategories,
  useTicketMessages,
  useUpdateTicket,
} from './tickets.queries';

function SlaClock({ label, clock }: { label: string; clock: Ticket['sla']['firstResponse'] }) {
  const color = clock.breached ? 'red' : clock.stoppedAt ? 'green' : 'gray';
  const text = clock.stoppedAt
    ? `${clock.breached ? 'met late' : 'met'} ${formatRelative(clock.stoppedAt)}`
    : clock.breached
      ? `overdue since ${formatRelative(clock.dueAt)}`
      : `due ${formatRelative(clock.dueAt)}`;
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Badge color={color} variant="light" title={formatDateTime(clock.dueAt)}>
        {text}
      </Badge>
    </Group>
  );
}

function Message({ message }: { message: TicketMessage }) {
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      bg={message.internal ? 'var(--mantine-color-yellow-light)' : undefined}
      data-testid="ticket-message"
    >
      <Group justify="space-between" gap="xs" mb={4} wrap="wrap">
        <Group gap={6}>
          {message.internal ? (
            <IconLock size={14} aria-label="Internal note" />
          ) : (
            <IconMail size={14} aria-label="Reply" />
          )}
          <Text size="sm" fw={600}>
            {message.author?.name ?? message.from?.name ?? message.from?.email ?? ''}
          </Text>
          <Text size="xs" c="dimmed">
            {message.internal ? 'internal note' : message.author ? 'reply' : 'customer'} ·{' '}
            {formatRelative(message.createdAt)}
          </Text>
        </Group>
        {message.email && (
          <Text size="xs" c={message.email.status === 'failed' ? 'red' : 'dimmed'}>
            {message.email.status === 'sent' ? 'Emailed' : message.email.status === 'failed' ? 'Not sent' : 'Sending'}{' '}
            to {message.email.to}
            {message.email.error ? `: ${message.email.error}` : ''}
          </Text>
        )}
      </Group>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {message.body}
      </Text>
      {message.files.length > 0 && (
        <Group gap={4} mt={6}>
          {message.files.map((file) => (
            <Button
              key={file.id}
              size="compact-xs"
              variant="light"
              color="gray"
              leftSection={<IconPaperclip size={12} />}
              onClick={() => downloadFile(file).catch((error) => notifyError(error, 'Could not download the file'))}
              styles={{ label: { maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis' } }}
              title={file.name}
            >
              {file.name}
            </Button>
          ))}
        </Group>
      )}
    </Paper>
  );
}

function Composer({ ticket }: { ticket: Ticket }) {
  const [kind, setKind] = useState<'reply' | 'note'>('reply');
  const [body, setBody] = useState('');
  const [fileIds, setFileIds] = useState<string[]>([]);
  const files = useFiles({ ticketId: ticket.id });
  const add = useAddMessage(ticket.id);
  const send = () =>
    add.mutate(
      { body, internal: kind === 'note', ...(fileIds.length > 0 ? { fileIds } : {}) },
      {
        onSuccess: () => {
          setBody('');
          setFileIds([]);
          notifySuccess(kind === 'note' ? 'Note added.' : 'Reply sent.');
        },
        onError: (error) => notifyError(error, kind === 'note' ? 'Could not add the note' : 'Could not send the reply'),
      },
    );
  return (
    <Card withBorder padding="sm">
      <Stack gap="xs">
        <SegmentedControl
          aria-label="Reply or note"
          value={kind}
          onChange={(value) => setKind(value as 'reply' | 'note')}
          data={[
            { value: 'reply', label: 'Reply to customer' },
            { value: 'note', label: 'Internal note' },
          ]}
        />
        <Textarea
          aria-label={kind === 'note' ? 'Note' : 'Reply'}
          placeholder={
            kind === 'note'
              ? 'Only your colleagues see this'
              : ticket.requesterEmail
                ? `Emailed to ${ticket.requesterEmail}`
                : 'No requester email: kept in the thread only'
          }
          autosize
          minRows={3}
          maxLength={20_000}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
        />
        {(files.data?.length ?? 0) > 0 && (
          <MultiSelect
            aria-label="Point at the ticket's files"
            placeholder={fileIds.length === 0 ? 'Point at attachments of this ticket (optional)' : undefined}
            leftSection={<IconPaperclip size={14} />}
            data={(files.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
            value={fileIds}
            onChange={setFileIds}
            maxValues={20}
            clearable
            searchable
          />
        )}
        <Group justify="flex-end">
          <Button
            onClick={send}
            loading={add.isPending}
            disabled={!body.trim()}
            color={kind === 'note' ? 'yellow' : undefined}
          >
            {kind === 'note' ? 'Add note' : 'Send reply'}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function Fields({ ticket }: { ticket: Ticket }) {
  const canWrite = useCan('tickets:write');
  const update = useUpdateTicket(ticket.id);
  const me = useMe();
  const canPickUsers = useCan('users:read');
  const categories = useTicketCategories();
  const change = (body: {
    status?: Ticket['status'];
    priority?: Ticket['priority'];
    assigneeId?: string | null;
    category?: string | null;
  }) =>
    update.mutate(
      { version: ticket.version, ...body },
      { onError: (error) => notifyError(error, 'Could not change the ticket') },
    );
  return (
    <Card withBorder padding="sm">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Select
            label="Status"
            data={statusOptions}
            value={ticket.status}
            allowDeselect={false}
            disabled={!canWrite || update.isPending}
            onChange={(value) => value && value !== ticket.status && change({ status: value as Ticket['status'] })}
          />
          <Select
            label="Priority"
            data={priorityOptions}
            value={ticket.priority}
            allowDeselect={false}
            disabled={!canWrite || update.isPending}
            onChange={(value) =>
              value && value !== ticket.priority && change({ priority: value as Ticket['priority'] })
            }
          />
        </SimpleGrid>
        {(categories.data?.length ?? 0) > 0 ? (
          <Select
            label="Category"
            placeholder="None"
            data={categoryOptions(categories.data ?? [], ticket.category)}
            value={ticket.category}
            clearable
            disabled={!canWrite || update.isPending}
            onChange={(value) => value !== ticket.category && change({ category: value })}
          />
        ) : (
          ticket.category && (
            <Text size="sm">
              <Text span c="dimmed">
                Category:{' '}
              </Text>
              {ticket.category}
            </Text>
          )
        )}
        <Stack gap={4}>
          <SlaClock label="First response" clock={ticket.sla.firstResponse} />
          <SlaClock label="Resolution" clock={ticket.sla.resolution} />
        </Stack>
        <Text size="sm">
          <Text span c="dimmed">
            Customer:{' '}
          </Text>
          {ticket.leadId ? (
            <Anchor component={Link} to={`/leads/${ticket.leadId}`}>
              {ticket.leadName}
            </Anchor>
          ) : (
            'none'
          )}
        </Text>
        <Text size="sm">
          <Text span c="dimmed">
            Requester:{' '}
          </Text>
          {[ticket.requesterName, ticket.requesterEmail].filter(Boolean).join(' · ') || 'none'}
        </Text>
        {canWrite && canPickUsers ? (
          <UserPicker
            label="Assignee"
            placeholder="Unassigned: search people"
            value={ticket.assignee?.id ?? null}
            current={ticket.assignee}
            onChange={(value) => value !== (ticket.assignee?.id ?? null) && change({ assigneeId: value })}
            clearable
            disabled={update.isPending}
          />
        ) : (
          <Text size="sm">
            <Text span c="dimmed">
              Assignee:{' '}
            </Text>
            {ticket.assignee?.name ?? 'Unassigned'}
          </Text>
        )}
        {canWrite && ticket.assignee?.id !== me.user.id && (
          <Button
            variant="light"
            size="xs"
            loading={update.isPending}
            onClick={() => change({ assigneeId: me.user.id })}
          >
            Assign to me
          </Button>
        )}
        {ticket.tags.length > 0 && (
          <Group gap={4}>
            {ticket.tags.map((tag) => (
              <Badge key={tag} variant="outline" color="gray" size="sm">
                {tag}
              </Badge>
            ))}
          </Group>
        )}
      </Stack>
    </Card>
  );
}

/** One ticket: its fields and SLA clocks, the thread of replies and notes, and the composer. */
export function TicketPage() {
  const { id = '' } = useParams();
  const ticket = useTicket(id);
  const messages = useTicketMessages(id);
  const canWrite = useCan('tickets:write');
  const back = (
    <Anchor component={Link} to="/tickets" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} /> Tickets
      </Group>
    </Anchor>
  );
  if (ticket.isError) return <ErrorAlert error={ticket.error} onRetry={() => void ticket.refetch()} />;
  if (ticket.isPending) return <Skeleton height={240} />;
  const t = ticket.data;
  return (
    <>
      <PageHeader
        above={back}
        title={
          <>
            <Text span c="dimmed" inherit mr={8}>
              {t.reference}
            </Text>
            {t.subject}
          </>
        }
        description={`Raised by ${t.createdBy.name} ${formatRelative(t.createdAt)}`}
        actions={
          <Badge color={priorityColors[t.priority]} size="lg" variant="light">
            {t.priority}
          </Badge>
        }
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }} style={{ minWidth: 0 }}>
          <Stack gap="sm">
            {t.description && (
              <Paper withBorder p="sm" radius="md">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {t.description}
                </Text>
              </Paper>
            )}
            {messages.isError ? (
              <ErrorAlert error={messages.error} onRetry={() => void messages.refetch()} />
            ) : messages.isPending ? (
              <Skeleton height={80} />
            ) : (
              messages.data.map((message) => <Message key={message.id} message={message} />)
            )}
            <TicketSatisfaction ticket={t} />
            {canWrite && <Composer ticket={t} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }} order={{ base: -1, md: 0 }}>
          <Stack gap="sm">
            <Fields ticket={t} />
            <AttachmentsCard place={{ ticketId: t.id }} canChange={canWrite} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
