import { Button, Center, Group, Loader, ScrollArea, Stack, Text } from '@mantine/core';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatWhen } from '../../lib/format';
import { WhatsAppStatus } from './MessageStatus';
import classes from './messaging.module.css';
import type { WhatsAppMessage, WhatsAppThread } from './messaging.types';

/** What a message says: its text, a template with its values, or what kind of media came in. */
export function whatsappText(message: Pick<WhatsAppMessage, 'text' | 'template' | 'type'>): string {
  if (message.text) return message.text;
  if (message.template) {
    const values = message.template.params.length ? `: ${message.template.params.join(', ')}` : '';
    return `Template “${message.template.name}”${values}`;
  }
  return `(${message.type})`;
}

function Bubble({ message }: { message: WhatsAppMessage }) {
  const outbound = message.direction === 'outbound';
  return (
    <div className={classes.bubbleRow} data-outbound={outbound || undefined}>
      <div
        className={classes.bubble}
        data-outbound={outbound || undefined}
        data-failed={message.status === 'failed' || undefined}
      >
        {message.template && (
          <Text size="xs" c="dimmed" fw={600}>
            Template · {message.template.name}
          </Text>
        )}
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {message.template && !message.text ? message.template.params.join(' · ') || '—' : whatsappText(message)}
        </Text>
        <Group gap={6} justify="flex-end" mt={2} wrap="nowrap">
          <Text size="xs" c="dimmed" title={formatDateTime(message.at)}>
            {outbound && message.sentBy ? `${message.sentBy.name} · ` : ''}
            {formatWhen(message.at)}
          </Text>
          {outbound && <WhatsAppStatus status={message.status} error={message.error} />}
        </Group>
        {message.status === 'failed' && message.error && (
          <Text size="xs" c="red" mt={2}>
            {message.error.title}
            {message.error.code ? ` (${message.error.code})` : ''}
          </Text>
        )}
      </div>
    </div>
  );
}

/** The thread, oldest at the top like a phone shows it; older messages on request. */
export function WhatsAppThreadView({ thread }: { thread: UseInfiniteQueryResult<InfiniteData<WhatsAppThread>> }) {
  const viewport = useRef<HTMLDivElement>(null);
  const newest = thread.data?.pages[0]?.data[0]?.id;
  // Like a phone: open at the latest message, and follow new ones as they come in.
  useEffect(() => {
    if (newest) viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [newest]);
  if (thread.isPending) {
    return (
      <Center style={{ flex: 1 }}>
        <Loader size="sm" />
      </Center>
    );
  }
  if (thread.isError) {
    return <ErrorAlert error={thread.error} onRetry={() => thread.refetch()} title="Could not load the conversation" />;
  }
  const messages = thread.data.pages.flatMap((p) => p.data).reverse();
  return (
    <ScrollArea
      className={classes.thread}
      style={{ flex: 1 }}
      viewportRef={viewport}
      viewportProps={{ 'aria-label': 'Conversation' }}
    >
      <Stack gap={6} p="sm">
        {thread.hasNextPage && (
          <Group justify="center">
            <Button
              variant="subtle"
              size="compact-xs"
              onClick={() => thread.fetchNextPage()}
              loading={thread.isFetchingNextPage}
            >
              Show older messages
            </Button>
          </Group>
        )}
        {messages.length === 0 ? (
          <Text size="sm" c="dimmed" ta="center" py="xl">
            No messages with this lead yet.
          </Text>
        ) : (
          messages.map((m) => <Bubble key={m.id} message={m} />)
        )}
      </Stack>
    </ScrollArea>
  );
}
