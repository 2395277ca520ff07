import { Text } from '@mantine/core';
import { IconFileInvoice, IconReceipt } from '@tabler/icons-react';
import type { TimelineItem } from '../leads/leads.types';
import { formatErpMoney } from './LeadErpCard';

type ErpDocument = NonNullable<TimelineItem['erp_document']>;

/** An invoice or payment the books recorded for the lead's customer. */
export function presentErpDocument(entry: ErpDocument) {
  const invoice = entry.documentKind === 'invoice';
  const number = entry.number ? ` ${entry.number}` : '';
  const owed = invoice && entry.balance !== null && Number(entry.balance) > 0;
  return {
    icon: invoice ? <IconFileInvoice size={13} /> : <IconReceipt size={13} />,
    color: invoice ? 'orange' : 'teal',
    body: (
      <Text size="sm">
        {invoice ? 'Invoice' : 'Payment'}
        {number} of <b>{formatErpMoney(entry.total, entry.currency)}</b> in {entry.connectionName}
        {owed ? ` · ${formatErpMoney(entry.balance as string, entry.currency)} outstanding` : ''}
      </Text>
    ),
    detail: null,
  };
}
