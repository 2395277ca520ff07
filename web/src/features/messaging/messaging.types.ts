import type { paths } from '../../lib/api-types';

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type RequestBody<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type EmailSettings = Json<paths['/api/v1/email/settings']['get']['responses'][200]>;
export type PutEmailSettingsBody = RequestBody<'/api/v1/email/settings', 'put'>;
export type TestEmailResult = Json<paths['/api/v1/email/settings/test']['post']['responses'][200]>;
export type Signature = Json<paths['/api/v1/email/signature']['get']['responses'][200]>;
export type PutSignatureBody = RequestBody<'/api/v1/email/signature', 'put'>;
export type TemplateVariable = Json<paths['/api/v1/email/variables']['get']['responses'][200]>['data'][number];
export type EmailTemplate = Json<paths['/api/v1/email/templates']['get']['responses'][200]>['data'][number];
export type CreateTemplateBody = RequestBody<'/api/v1/email/templates', 'post'>;
export type UpdateTemplateBody = RequestBody<'/api/v1/email/templates/{id}', 'patch'>;
export type PreviewBody = RequestBody<'/api/v1/email/preview', 'post'>;
export type EmailPreview = Json<paths['/api/v1/email/preview']['post']['responses'][200]>;
export type SendEmailBody = RequestBody<'/api/v1/leads/{id}/emails', 'post'>;
export type EmailMessage = Json<paths['/api/v1/emails/{id}']['get']['responses'][200]>;
export type EmailStatus = EmailMessage['status'];

export type WhatsAppSettings = Json<paths['/api/v1/whatsapp/settings']['get']['responses'][200]>;
export type PutWhatsAppSettingsBody = RequestBody<'/api/v1/whatsapp/settings', 'put'>;
export type WhatsAppCheck = Json<paths['/api/v1/whatsapp/settings/check']['post']['responses'][200]>;
export type WhatsAppThread = Json<paths['/api/v1/leads/{id}/whatsapp']['get']['responses'][200]>;
export type WhatsAppMessage = WhatsAppThread['data'][number];
export type SendWhatsAppBody = RequestBody<'/api/v1/leads/{id}/whatsapp', 'post'>;
export type Unattached = Json<paths['/api/v1/whatsapp/unattached']['get']['responses'][200]>['data'][number];
