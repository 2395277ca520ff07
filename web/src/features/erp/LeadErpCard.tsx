import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Collapse,
  Divider,
  Group,
  Menu,
  Stack,
  Text,
} from '@mantine/core';
import { IconAlertTriangle, IconChevronDown, IconChevronRight, IconSend } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { currencySymbol, formatDay, formatMoney, formatNumber, formatSettings } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import { type LeadErp, useErpConnections, useLeadErp, usePushLeadToErp } from './erp.queries';

type Invoice = LeadErp['invoices'][number];

const knownSymbols: Record<string, string> = {
  '₹': 'INR',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  Rs: 'INR',
  'Rs.': 'INR',
};

/**
 * An ERP amount in its currency. Connectors send an ISO code ("INR") or, for SAP and Tally, sometimes the symbol
 * ("$", "₹"): a symbol that is the company's own currency's (or unambiguous) formats as that currency, any other
 * is written before the number. Never throws on what Intl does not know.
 */
export function formatErpMoney(amount: string | number, currency: string | null | undefined): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  const raw = (currency ?? '').trim();
  if (!Number.isFinite(value)) return `${amount} ${raw}`.trim();
  let code: string | null = null;
  if (!raw) code = formatSettings().currency;
  else if (/^[A-Za-z]{3}$/.test(raw)) code = raw.toUpperCase();
  else if (raw === currencySymbol()) code = formatSettings().currency;
  else code = knownSymbols[raw] ?? null;
  if (!code) return `${raw}${formatNumber(value)}`;
  if (Number.isInteger(value)) return formatMoney(value, code);
  try {
    return new Intl.NumberFormat(formatSettings().locale, {
      style: 'currency',
      currency: code,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(value);
  } catch {
    return `${formatNumber(value)} ${code}`;
  }
}

function InvoiceRow({ invoice }: { invoice: Invoice }) {
  const [open, setOpen] = useState(false);
  const owed = Number(invoice.balance) > 0;
  return (
    <div data-testid="erp-invoice">
      <Group gap={6} wrap="nowrap" align="flex-start">
        <ActionIcon
          variant="subtle"
          color="gray"
          size="sm"
          mt={2}
          aria-label={
            open
              ? `Hide the lines of ${invoice.number ?? 'the invoice'}`
              : `Show the lines of ${invoice.number ?? 'the invoice'}`
          }
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          disabled={invoice.lines.length === 0}
        >
          {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
        </ActionIcon>
        <Stack gap={0} miw={0} style={{ flex: 1 }}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="sm" fw={600} truncate>
              {invoice.number ?? invoice.externalId}
            </Text>
            <Text size="sm" fw={600} c={owed ? 'orange.8' : 'teal.8'} style={{ whiteSpace: 'nowrap' }}>
              {owed ? formatErpMoney(invoice.balance, invoice.currency) : 'Paid'}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {formatDay(invoice.date)}
            {invoice.dueDate ? ` · due ${formatDay(invoice.dueDate)}` : ''} · total{' '}
            {formatErpMoney(invoice.total, invoice.currency)}
            {invoice.status ? ` · ${invoice.status}` : ''}
          </Text>
        </Stack>
      </Group>
      <Collapse expanded={open}>
        <Stack gap={2} pl={30} pt={4}>
          {invoice.lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: invoice lines have no id of their own.
            <Group key={i} justify="space-between" gap="xs" wrap="nowrap">
              <Text size="xs" truncate>
                {line.description ?? 'Line'}
                {line.quantity !== null ? ` × ${formatNumber(line.quantity)}` : ''}
                {line.rate !== null ? ` @ ${formatErpMoney(line.rate, invoice.currency)}` : ''}
              </Text>
              <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
                {formatErpMoney(line.amount, invoice.currency)}
              </Text>
            </Group>
          ))}
        </Stack>
      </Collapse>
    </div>
  );
}

function PushButton({ leadId, targets }: { leadId: string; targets: { id: string; name: string }[] }) {
  const push = usePushLeadToErp(leadId);
  const run = (target: { id: string; name: string }) =>
    push.mutate(target.id, {
      onSuccess: () => notifySuccess(`Sending to ${target.name}`),
      onError: (e) => notifyError(e),
    });
  const first = targets[0];
  if (!first) return null;
  if (targets.length === 1) {
    return (
      <Button
        size="xs"
        variant="default"
        leftSection={<IconSend size={14} />}
        loading={push.isPending}
        onClick={() => run(first)}
      >
        Push to ERP
      </Button>
    );
  }
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="default" leftSection={<IconSend size={14} />} loading={push.isPending}>
          Push to ERP
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {targets.map((t) => (
          <Menu.Item key={t.id} onClick={() => run(t)}>
            {t.name}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** The lead in the books: its customer records, what is outstanding, invoices and payments, and Push to ERP. */
export function LeadErpCard({ leadId }: { leadId: string }) {
  const canPush = useCan('erp:push');
  const canRead = useCan('erp:read');
  const erp = useLeadErp(leadId);
  const connections = useErpConnections(canPush && canRead);

  if (erp.isPending) return null;
  if (erp.isError) {
    // Nothing in the books to show is no reason to fill the page with an alert, unless the user works with it.
    if (!canPush && !canRead) return null;
    return (
      <Card>
        <Text fw={650} mb="sm">
          In the books
        </Text>
        <ErrorAlert error={erp.error} onRetry={() => erp.refetch()} />
      </Card>
    );
  }
  const data = erp.data;
  const targets: { id: string; name: string }[] = [];
  if (canPush) {
    if (canRead) {
      for (const c of connections.data?.data ?? [])
        if (c.status === 'connected') targets.push({ id: c.id, name: c.name });
    } else {
      for (const c of data.customers) {
        if (!c.deletedInErp && !targets.some((t) => t.id === c.connectionId))
          targets.push({ id: c.connectionId, name: c.connectionName });
      }
    }
  }
  if (data.customers.length === 0 && targets.length === 0) return null;

  const outstanding = data.outstanding.filter((o) => Number(o.amount) !== 0);
  return (
    <Card data-testid="lead-erp">
      <Group justify="space-between" mb="sm" gap="xs">
        <Text fw={650}>In the books</Text>
        <PushButton leadId={leadId} targets={targets} />
      </Group>
      {data.customers.length === 0 ? (
        <Text size="sm" c="dimmed">
          Not a customer in the books yet.
        </Text>
      ) : (
        <Stack gap="sm">
          <Stack gap={4}>
            {data.customers.map((c) => (
              <div key={`${c.connectionId}:${c.externalId}`}>
                <Group gap={6} wrap="wrap">
                  <Text size="sm">{c.connectionName}</Text>
                  <Code style={{ wordBreak: 'break-all' }}>{c.externalId}</Code>
                </Group>
                {c.deletedInErp && (
                  <Alert color="orange" p={6} mt={4} icon={<IconAlertTriangle size={14} />}>
                    <Text size="xs">Deleted in {c.connectionName}: nothing more is read or written for it.</Text>
                  </Alert>
                )}
              </div>
            ))}
          </Stack>
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Outstanding
            </Text>
            {outstanding.length === 0 ? (
              <Text size="lg" fw={650} c="teal.8" data-testid="erp-outstanding">
                Nothing owed
              </Text>
            ) : (
              <Group gap="md" data-testid="erp-outstanding">
                {outstanding.map((o) => (
                  <Text key={o.currency} size="lg" fw={650}>
                    {formatErpMoney(o.amount, o.currency)}
                  </Text>
                ))}
              </Group>
            )}
          </div>
          <Divider />
          <div>
            <Group gap={6} mb={4}>
              <Text size="sm" fw={600}>
                Invoices
              </Text>
              {data.invoices.length > 0 && (
                <Badge size="xs" variant="light" color="gray">
                  {data.invoices.length}
                </Badge>
              )}
            </Group>
            {data.invoices.length === 0 ? (
              <Text size="sm" c="dimmed">
                No invoices yet
              </Text>
            ) : (
              <Stack gap={6}>
                {data.invoices.map((invoice) => (
                  <InvoiceRow key={invoice.id} invoice={invoice} />
                ))}
              </Stack>
            )}
          </div>
          {data.payments.length > 0 && (
            <div>
              <Text size="sm" fw={600} mb={4}>
                Payments
              </Text>
              <Stack gap={4}>
                {data.payments.map((p) => (
                  <Group key={p.id} justify="space-between" gap="xs" wrap="nowrap" data-testid="erp-payment">
                    <Stack gap={0} miw={0}>
                      <Text size="sm" truncate>
                        {p.reference ?? p.externalId}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatDay(p.date)}
                      </Text>
                    </Stack>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatErpMoney(p.amount, p.currency)}
                    </Text>
                  </Group>
                ))}
              </Stack>
            </div>
          )}
        </Stack>
      )}
    </Card>
  );
}
