import { Card, Divider, Stack, Text } from '@mantine/core';
import { Fragment } from 'react';
import { useCustomFields } from './customFields.queries';
import { canSee, isEmptyValue } from './fields';
import { InlineField } from './InlineField';
import classes from './LeadPage.module.css';
import type { Lead } from './leads.types';

/** Fields whose values run long (addresses, numbers): a whole row on a phone. */
const wideFields = ['companyName', 'emails', 'phones', 'lostReason', 'tags'];

const sections: { title: string; fields: string[] }[] = [
  { title: 'Contact', fields: ['companyName', 'emails', 'phones'] },
  {
    title: 'Deal',
    fields: ['expectedValue', 'currency', 'expectedCloseDate', 'source', 'campaign', 'product', 'tags', 'lostReason'],
  },
  { title: 'Location', fields: ['city', 'state', 'country', 'territory'] },
];

/** Every field the caller may see, grouped; each one edits in place when the caller may change it. */
export function LeadFieldsCard({ lead, closedLost }: { lead: Lead; closedLost: boolean }) {
  const customFields = useCustomFields();
  const defs = customFields.data ?? [];
  const customKeys = Object.keys(lead.customFields ?? {});
  // Values of fields no longer defined still show (read-only), so nothing the lead holds is lost from view.
  const orphans = customKeys.filter((key) => !defs.some((d) => d.key === key));

  const visible = (field: string) => {
    if (!canSee(lead, field)) return false;
    // A lost reason only means something once a lead is lost (or still holds one).
    if (field === 'lostReason') return closedLost || !isEmptyValue(lead.lostReason);
    return true;
  };

  const groups = sections
    .map((section) => ({ ...section, fields: section.fields.filter(visible) }))
    .filter((section) => section.fields.length > 0);

  return (
    <Card>
      <Stack gap="lg">
        {groups.map((section, index) => (
          <Fragment key={section.title}>
            {index > 0 && <Divider />}
            <section aria-label={section.title}>
              <Text className={classes.sectionTitle}>{section.title}</Text>
              <div className={classes.fieldGrid}>
                {section.fields.map((field) => (
                  <div key={field} className={classes.cell} data-wide={wideFields.includes(field) || undefined}>
                    <InlineField lead={lead} field={field} />
                  </div>
                ))}
              </div>
            </section>
          </Fragment>
        ))}
        {lead.customFields !== undefined && (defs.length > 0 || orphans.length > 0) && (
          <>
            <Divider />
            <section aria-label="More details">
              <Text className={classes.sectionTitle}>More details</Text>
              <div className={classes.fieldGrid}>
                {defs.map((def) => (
                  <InlineField key={def.key} lead={lead} field={`customFields.${def.key}`} custom={def} />
                ))}
                {orphans.map((key) => (
                  <InlineField key={key} lead={lead} field={`customFields.${key}`} readOnly />
                ))}
              </div>
            </section>
          </>
        )}
        {canSee(lead, 'notes') && (
          <>
            <Divider />
            <section aria-label="Notes">
              <div style={{ paddingInline: 8 }}>
                <InlineField lead={lead} field="notes" label="Notes" />
              </div>
            </section>
          </>
        )}
      </Stack>
    </Card>
  );
}
