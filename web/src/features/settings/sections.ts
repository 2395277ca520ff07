import {
  IconBrandFacebook,
  IconBrandWhatsapp,
  IconBuilding,
  IconBulb,
  IconCalendarTime,
  IconCopy,
  IconDatabaseImport,
  IconForms,
  IconGauge,
  IconHeartHandshake,
  IconLayoutKanban,
  IconLifebuoy,
  IconListDetails,
  IconMailCode,
  IconMailCog,
  IconPlugConnected,
  IconReceipt2,
  IconRoute,
  IconShieldLock,
  IconWebhook,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import type { Permission } from '../auth/session';

export interface SettingsSection {
  /** Path under /settings. */
  path: string;
  label: string;
  description: string;
  icon: ComponentType<{ size?: number | string; stroke?: number | string }>;
  permission: Permission;
}

/** The settings, in the order an admin sets a company up: the company, then the pipeline, the intake last. */
export const settingsSections: readonly SettingsSection[] = [
  {
    path: 'company',
    label: 'Company',
    description: 'The company’s name, time zone, currency and language, and the month its fiscal year starts.',
    icon: IconBuilding,
    permission: 'company:manage',
  },
  {
    path: 'pipeline',
    label: 'Pipeline stages',
    description: 'The stages a lead moves through, their order, and what must be filled in to enter each.',
    icon: IconLayoutKanban,
    permission: 'pipeline:manage',
  },
  {
    path: 'custom-fields',
    label: 'Custom fields',
    description: 'Extra fields your team records on every lead.',
    icon: IconListDetails,
    permission: 'fields:manage',
  },
  {
    path: 'field-access',
    label: 'Field access',
    description: 'Which roles see and edit each lead field.',
    icon: IconShieldLock,
    permission: 'fields:manage',
  },
  {
    path: 'assignment',
    label: 'Assignment rules',
    description: 'Who new leads go to: rules are tried top to bottom, the default rule catches the rest.',
    icon: IconRoute,
    permission: 'assignment:manage',
  },
  {
    path: 'availability',
    label: 'Availability and caps',
    description: 'Working hours, lead caps and leave, so leads only go to people who can take them.',
    icon: IconCalendarTime,
    permission: 'availability:manage',
  },
  {
    path: 'recommendations',
    label: 'Assignment recommendations',
    description: 'Rules and caps proposed from your own history: who converts which leads best, at what load.',
    icon: IconBulb,
    permission: 'insights:manage',
  },
  {
    path: 'partners',
    label: 'Partners',
    description: 'Partner organisations that bring and work leads with you.',
    icon: IconHeartHandshake,
    permission: 'partners:manage',
  },
  {
    path: 'forms',
    label: 'Web forms',
    description: 'Forms for your website that turn visitors into leads.',
    icon: IconForms,
    permission: 'forms:manage',
  },
  {
    path: 'support',
    label: 'Support',
    description: 'The public support form and the support mailbox: how customers open tickets themselves.',
    icon: IconLifebuoy,
    permission: 'forms:manage',
  },
  {
    path: 'facebook',
    label: 'Facebook Lead Ads',
    description: 'Connect Facebook Pages so leads from your lead ads arrive at once, with the ad and campaign.',
    icon: IconBrandFacebook,
    permission: 'facebook:read',
  },
  {
    path: 'scoring',
    label: 'Lead scoring',
    description:
      'Points for what a lead is and does, hot and warm tiers, and a model trained on your own closed leads.',
    icon: IconGauge,
    permission: 'scoring:manage',
  },
  {
    path: 'duplicates',
    label: 'Duplicates',
    description: 'What happens when a new lead matches an existing one, per channel, and how alike names must be.',
    icon: IconCopy,
    permission: 'duplicates:manage',
  },
  {
    path: 'email-server',
    label: 'Email server',
    description: 'The SMTP server emails to leads and reminders go out through, with a test email.',
    icon: IconMailCog,
    permission: 'email:manage',
  },
  {
    path: 'whatsapp',
    label: 'WhatsApp',
    description: 'Your WhatsApp Business number, so the team can message leads and see their replies.',
    icon: IconBrandWhatsapp,
    permission: 'whatsapp:manage',
  },
  {
    path: 'webhooks',
    label: 'Webhooks',
    description: 'Signed messages to your other systems when leads and follow-ups change, with a delivery log.',
    icon: IconWebhook,
    permission: 'webhooks:read',
  },
  {
    path: 'extractor',
    label: 'Extractor',
    description: 'Outside databases read into leads, with each run’s progress.',
    icon: IconDatabaseImport,
    permission: 'extractor:read',
  },
  {
    path: 'erp',
    label: 'ERP',
    description:
      'Your accounting system (Tally, QuickBooks, Zoho, SAP): won leads become customers, invoices come back.',
    icon: IconReceipt2,
    permission: 'erp:read',
  },
  {
    path: 'integrations',
    label: 'Integrations',
    description: 'Every connection at a glance: web forms, email, WhatsApp, webhooks and Facebook pages.',
    icon: IconPlugConnected,
    permission: 'integrations:read',
  },
  {
    path: 'email-templates',
    label: 'Email templates',
    description: 'Company and personal email templates with the lead’s details filled in.',
    icon: IconMailCode,
    permission: 'email:send',
  },
];

/** Anyone holding one of these sees the Settings entry. */
export const settingsPermissions: readonly Permission[] = [
  ...new Set(settingsSections.map((section) => section.permission)),
];

export function visibleSections(permissions: readonly string[]): SettingsSection[] {
  return settingsSections.filter((section) => permissions.includes(section.permission));
}
