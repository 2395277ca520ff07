import { Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useCan } from '../auth/session';
import { LoadFailed, LoadingRows, SectionHeader } from '../settings/SettingsSection';
import { ConnectPageCard } from './ConnectPageCard';
import { EventLog } from './EventLog';
import { FormMappingCard } from './FormMappingCard';
import { useFacebookPages } from './facebook.queries';
import { PageCard } from './PageCard';

/**
 * Facebook Lead Ads: the connected Pages (health, what to paste into Meta, a new token), each Page's event log,
 * and a lead form's mapping and backfill. Admins manage; integration users read.
 */
export function FacebookPage() {
  const canManage = useCan('facebook:manage');
  const pages = useFacebookPages();
  const [selected, setSelected] = useState<string | null>(null);
  const [formId, setFormId] = useState<string | null>(null);
  const [formInput, setFormInput] = useState('');
  const [adding, setAdding] = useState(false);
  const showConnect = canManage && pages.isSuccess && (pages.data.data.length === 0 || adding);
  const current = pages.data?.data.find((p) => p.id === selected) ?? pages.data?.data[0] ?? null;

  return (
    <>
      <SectionHeader
        title="Facebook Lead Ads"
        description="Leads from your Facebook and Instagram lead ads arrive here within seconds, with source Facebook and the ad and campaign they came from."
        actions={
          canManage &&
          !showConnect &&
          pages.isSuccess && (
            <Button variant="light" onClick={() => setAdding(true)}>
              Connect another Page
            </Button>
          )
        }
      />
      <Stack gap="lg">
        {pages.isPending ? (
          <Card p={0}>
            <LoadingRows rows={3} />
          </Card>
        ) : pages.isError ? (
          <Card p={0}>
            <LoadFailed error={pages.error} onRetry={() => pages.refetch()} title="Could not load the Pages" />
          </Card>
        ) : (
          pages.data.data.map((page) => (
            <PageCard
              key={page.id}
              page={page}
              canManage={canManage}
              selected={current?.id === page.id}
              onSelect={() => setSelected(page.id)}
            />
          ))
        )}
        {showConnect && (
          <ConnectPageCard
            onConnected={(page) => {
              setSelected(page.id);
              setAdding(false);
            }}
          />
        )}
        {current && (
          <>
            <EventLog
              pageId={current.id}
              onOpenForm={(id) => {
                setFormId(id);
                setFormInput(id);
              }}
            />
            <Card>
              <Group align="flex-end" gap="sm" wrap="wrap">
                <TextInput
                  label="Lead form id"
                  description="Click a form in the log, or enter its id (Meta Business Suite → Instant forms)"
                  value={formInput}
                  onChange={(event) => setFormInput(event.currentTarget.value.replace(/\s/g, ''))}
                  inputMode="numeric"
                  style={{ flex: '1 1 260px' }}
                />
                <Button
                  variant="light"
                  disabled={!/^[0-9]{1,32}$/.test(formInput)}
                  onClick={() => setFormId(formInput)}
                >
                  Open form
                </Button>
              </Group>
              {!formId && (
                <Text size="xs" c="dimmed" mt="xs">
                  A form is known once its first lead arrives.
                </Text>
              )}
            </Card>
            {formId && <FormMappingCard key={formId} formId={formId} canManage={canManage} connectionId={current.id} />}
          </>
        )}
      </Stack>
    </>
  );
}
