import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazyPage';
import { RequirePermission } from '../auth/RequirePermission';
import type { Permission } from '../auth/session';
import { SettingsIndex, SettingsLayout } from './SettingsLayout';

const AssignmentRulesPage = lazyPage(() => import('./assignment/AssignmentRulesPage'), 'AssignmentRulesPage');
const RuleEditorPage = lazyPage(() => import('./assignment/RuleEditorPage'), 'RuleEditorPage');
const AvailabilityPage = lazyPage(() => import('./availability/AvailabilityPage'), 'AvailabilityPage');
const RecommendationsPage = lazyPage(() => import('../recommendations/RecommendationsPage'), 'RecommendationsPage');
const DuplicateSettingsPage = lazyPage(() => import('./duplicates/DuplicateSettingsPage'), 'DuplicateSettingsPage');
const EmailServerPage = lazyPage(() => import('./email/EmailServerPage'), 'EmailServerPage');
const CompanySettingsPage = lazyPage(() => import('./company/CompanySettingsPage'), 'CompanySettingsPage');
const CustomFieldsPage = lazyPage(() => import('./fields/CustomFieldsPage'), 'CustomFieldsPage');
const FieldAccessPage = lazyPage(() => import('./fields/FieldAccessPage'), 'FieldAccessPage');
const FormEditorPage = lazyPage(() => import('./forms/FormEditorPage'), 'FormEditorPage');
const SupportSettingsPage = lazyPage(() => import('../support-form/SupportSettingsPage'), 'SupportSettingsPage');
const FormsPage = lazyPage(() => import('./forms/FormsPage'), 'FormsPage');
const PartnersPage = lazyPage(() => import('./partners/PartnersPage'), 'PartnersPage');
const PipelinePage = lazyPage(() => import('./pipeline/PipelinePage'), 'PipelinePage');
const TemplatesPage = lazyPage(() => import('./templates/TemplatesPage'), 'TemplatesPage');
const FacebookPage = lazyPage(() => import('../facebook/FacebookPage'), 'FacebookPage');
const WhatsAppSettingsPage = lazyPage(() => import('./whatsapp/WhatsAppSettingsPage'), 'WhatsAppSettingsPage');
const WebhooksPage = lazyPage(() => import('../webhooks/WebhooksPage'), 'WebhooksPage');
const ExtractorPage = lazyPage(() => import('../extractor/ExtractorPage'), 'ExtractorPage');
const ErpPage = lazyPage(() => import('../erp/ErpPage'), 'ErpPage');
const ErpConnectionPage = lazyPage(() => import('../erp/ErpConnectionPage'), 'ErpConnectionPage');
const IntegrationsPage = lazyPage(() => import('../integrations/IntegrationsPage'), 'IntegrationsPage');
const ScoringSettingsPage = lazyPage(() => import('../scoring/ScoringSettingsPage'), 'ScoringSettingsPage');

function guarded(path: string, permission: Permission, element: ReactNode): RouteObject {
  return { path, element: <RequirePermission permission={permission}>{element}</RequirePermission> };
}

/** /settings and its sections; each section is guarded by the permission its API needs. */
export const settingsRoute: RouteObject = {
  path: 'settings',
  element: <SettingsLayout />,
  children: [
    { index: true, element: <SettingsIndex /> },
    guarded('company', 'company:manage', <CompanySettingsPage />),
    guarded('pipeline', 'pipeline:manage', <PipelinePage />),
    guarded('custom-fields', 'fields:manage', <CustomFieldsPage />),
    guarded('field-access', 'fields:manage', <FieldAccessPage />),
    guarded('assignment', 'assignment:manage', <AssignmentRulesPage />),
    guarded('assignment/:id', 'assignment:manage', <RuleEditorPage />),
    guarded('availability', 'availability:manage', <AvailabilityPage />),
    guarded('recommendations', 'insights:manage', <RecommendationsPage />),
    guarded('partners', 'partners:manage', <PartnersPage />),
    guarded('forms', 'forms:manage', <FormsPage />),
    guarded('forms/:id', 'forms:manage', <FormEditorPage />),
    guarded('support', 'forms:manage', <SupportSettingsPage />),
    guarded('facebook', 'facebook:read', <FacebookPage />),
    guarded('webhooks', 'webhooks:read', <WebhooksPage />),
    guarded('extractor', 'extractor:read', <ExtractorPage />),
    guarded('erp', 'erp:read', <ErpPage />),
    guarded('erp/:id', 'erp:read', <ErpConnectionPage />),
    guarded('integrations', 'integrations:read', <IntegrationsPage />),
    guarded('scoring', 'scoring:manage', <ScoringSettingsPage />),
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
