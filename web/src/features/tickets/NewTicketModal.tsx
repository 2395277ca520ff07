import { Alert, Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useFormErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { LeadSearchSelect } from '../messaging/LeadSearchSelect';
import { categoryOptions, priorityOptions } from './tickets.labels';
import { type Ticket, useCreateTicket, useTicketCategories } from './tickets.queries';

const fields = ['subject', 'description', 'leadId', 'priority', 'category', 'requesterName', 'requesterEmail'] as const;
const empty = { subject: '', description: '', priority: 'normal', category: '', requesterName: '', requesterEmail: '' };

/** Raises a ticket for a customer (a lead), then opens it. */
export function NewTicketModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [form, setForm] = useState(empty);
  const [leadId, setLeadId] = useState<string | null>(null);
  const errors = useFormErrors(fields);
  const create = useCreateTicket();
  const navigate = useNavigate();
  const categories = useTicketCategories();
  const options = categoryOptions(categories.data ?? []);
  const change = (key: keyof typeof empty) => (value: string) => {
    setForm((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };
  const close = () => {
    setForm(empty);
    setLeadId(null);
    errors.clear();
    onClose();
  };
  const submit = () =>
    create.mutate(
      {
        subject: form.subject,
        description: form.description,
        priority: form.priority as Ticket['priority'],
        ...(leadId ? { leadId } : {}),
        ...(form.category.trim() ? { category: form.category.trim() } : {}),
        ...(form.requesterName.trim() ? { requesterName: form.requesterName.trim() } : {}),
        ...(form.requesterEmail.trim() ? { requesterEmail: form.requesterEmail.trim() } : {}),
      },
      {
        onSuccess: (ticket) => {
          notifySuccess(`${ticket.reference} raised.`, 'Ticket created');
          close();
          navigate(`/tickets/${ticket.id}`);
        },
        onError: errors.fromError,
      },
    );

  return (
    <Modal opened={opened} onClose={close} title="New ticket" size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          {errors.formError && (
            <Alert color="red" role="alert">
              {errors.formError}
            </Alert>
          )}
          <LeadSearchSelect
            label="Customer"
            description="The lead this is about (required unless you are an admin, manager or customer success)"
            onPick={(lead) => {
              setLeadId(lead?.id ?? null);
              errors.clearField('leadId');
            }}
            error={errors.fieldErrors.leadId}
            clearable
          />
          <TextInput
            label="Subject"
            required
            maxLength={200}
            value={form.subject}
            onChange={(e) => change('subject')(e.currentTarget.value)}
            error={errors.fieldErrors.subject}
          />
          <Textarea
            label="Description"
            autosize
            minRows={3}
            maxLength={20_000}
            value={form.description}
            onChange={(e) => change('description')(e.currentTarget.value)}
            error={errors.fieldErrors.description}
          />
          <Select
            label="Priority"
            data={priorityOptions}
            value={form.priority}
            onChange={(value) => change('priority')(value ?? 'normal')}
            allowDeselect={false}
            error={errors.fieldErrors.priority}
          />
          {(categories.data?.length ?? 0) > 0 ? (
            <Select
              label="Category"
              placeholder="None"
              data={options}
              value={form.category || null}
              onChange={(value) => change('category')(value ?? '')}
              clearable
              searchable
              error={errors.fieldErrors.category}
            />
          ) : (
            <TextInput
              label="Category"
              placeholder="e.g. billing"
              maxLength={60}
              value={form.category}
              onChange={(e) => change('category')(e.currentTarget.value)}
              error={errors.fieldErrors.category}
            />
          )}
          <Group grow gap="sm" wrap="wrap">
            <TextInput
              label="Requester name"
              value={form.requesterName}
              onChange={(e) => change('requesterName')(e.currentTarget.value)}
              error={errors.fieldErrors.requesterName}
              miw={160}
            />
            <TextInput
              label="Requester email"
              description="Replies are emailed here"
              type="email"
              value={form.requesterEmail}
              onChange={(e) => change('requesterEmail')(e.currentTarget.value)}
              error={errors.fieldErrors.requesterEmail}
              miw={160}
            />
          </Group>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create ticket
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
