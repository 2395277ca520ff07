import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import { RequirePermission } from '../auth/RequirePermission';
import type { Permission } from '../auth/session';
import { AssignmentRulesPage } from './assignment/AssignmentRulesPage';
import { RuleEditorPage } from './assignment/RuleEditorPage';
import { AvailabilityPage } from './availability/AvailabilityPage';
import { DuplicateSettingsPage } from './duplicates/DuplicateSettingsPage';
import { EmailServerPage } from './email/EmailServerPage';
import { CustomFieldsPage } from './fields/CustomFieldsPage';
import { FieldAccessPage } from './fields/FieldAccessPage';
import { FormEditorPage } from './forms/FormEditorPage';
import { FormsPage } from './forms/FormsPage';
import { PartnersPage } from './partners/PartnersPage';
import { PipelinePage } from './pipeline/PipelinePage';
import { SettingsIndex, SettingsLayout } from './SettingsLayout';
import { TemplatesPage } from './templates/TemplatesPage';
import { WhatsAppSettingsPage } from './whatsapp/WhatsAppSettingsPage';

function guarded(path: string, permission: Permission, element: ReactNode): RouteObject {
  return { path, element: <RequirePermission permission={permission}>{element}</RequirePermission> };
}

/** /settings and its sections; each section is guarded by the permission its API needs. */
export const settingsRoute: RouteObject = {
  path: 'settings',
  element: <SettingsLayout />,
  children: [
    { index: true, element: <SettingsIndex /> },
    guarded('pipeline', 'pipeline:manage', <PipelinePage />),
    guarded('custom-fields', 'fields:manage', <CustomFieldsPage />),
    guarded('field-access', 'fields:manage', <FieldAccessPage />),
    guarded('assignment', 'assignment:manage', <AssignmentRulesPage />),
    guarded('assignment/:id', 'assignment:manage', <RuleEditorPage />),
    guarded('availability', 'availability:manage', <AvailabilityPage />),
    guarded('partners', 'partners:manage', <PartnersPage />),
    guarded('forms', 'forms:manage', <FormsPage />),
    guarded('forms/:id', 'forms:manage', <FormEditorPage />),
    {
      path: 'duplicates',
      element: (
        <RequirePermission permission="duplicates:manage">
          <DuplicateSettingsPage />
        </RequirePermission>
      ),
    },
    {
      path: 'email-server',
      element: (
        <RequirePermission permission="email:manage">
          <EmailServerPage />
        </RequirePermission>
      ),
    },
    {
      path: 'whatsapp',
      element: (
        <RequirePermission permission="whatsapp:manage">
          <WhatsAppSettingsPage />
        </RequirePermission>
      ),
    },
    {
      path: 'email-templates',
      element: (
        <RequirePermission permission="email:send">
          <TemplatesPage />
        </RequirePermission>
      ),
    },
  ],
};
