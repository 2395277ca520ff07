/** Names for the lead-settings shapes of the API; all derived from the generated OpenAPI types. */
import type { paths } from '../../lib/api-types';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type ListItem<T> = T extends { data: (infer I)[] } ? I : never;

export type Stage = ListItem<Json<paths['/api/v1/pipeline/stages']['get']['responses'][200]>>;
export type StageKind = Stage['kind'];
export type CreateStageBody = Json<paths['/api/v1/pipeline/stages']['post']['requestBody']>;
export type UpdateStageBody = Json<paths['/api/v1/pipeline/stages/{key}']['patch']['requestBody']>;

export type CustomField = ListItem<Json<paths['/api/v1/custom-fields']['get']['responses'][200]>>;
export type CustomFieldType = CustomField['type'];
export type CreateCustomFieldBody = Json<paths['/api/v1/custom-fields']['post']['requestBody']>;
export type UpdateCustomFieldBody = Json<paths['/api/v1/custom-fields/{key}']['patch']['requestBody']>;

export type FieldPermission = ListItem<Json<paths['/api/v1/field-permissions']['get']['responses'][200]>>;
export type FieldAccessLevel = FieldPermission['access'];
export type SetFieldPermissionBody = Json<paths['/api/v1/field-permissions']['put']['requestBody']>;

export type AssignmentRule = ListItem<Json<paths['/api/v1/assignment-rules']['get']['responses'][200]>>;
export type CreateRuleBody = Json<paths['/api/v1/assignment-rules']['post']['requestBody']>;
export type UpdateRuleBody = Json<paths['/api/v1/assignment-rules/{id}']['patch']['requestBody']>;
export type RuleCondition = NonNullable<CreateRuleBody['conditions']>[number];
export type ConditionOp = RuleCondition['op'];
export type RuleStrategy = CreateRuleBody['strategy'];
export type TestRuleBody = Json<paths['/api/v1/assignment-rules/test']['post']['requestBody']>;
export type SampleLead = TestRuleBody['lead'];
export type TestRuleResult = Json<paths['/api/v1/assignment-rules/test']['post']['responses'][200]>;

export type Availability = Json<paths['/api/v1/users/{id}/availability']['get']['responses'][200]>;
export type AvailabilityBody = Json<paths['/api/v1/users/{id}/availability']['put']['requestBody']>;
export type Leave = ListItem<Json<paths['/api/v1/users/{id}/leaves']['get']['responses'][200]>>;
export type LeaveBody = Json<paths['/api/v1/users/{id}/leaves']['post']['requestBody']>;

export type Partner = ListItem<Json<paths['/api/v1/partners']['get']['responses'][200]>>;
export type CreatePartnerBody = Json<paths['/api/v1/partners']['post']['requestBody']>;
export type UpdatePartnerBody = Json<paths['/api/v1/partners/{id}']['patch']['requestBody']>;

export type WebForm = ListItem<Json<paths['/api/v1/forms']['get']['responses'][200]>>;
export type CreateFormBody = Json<paths['/api/v1/forms']['post']['requestBody']>;
export type UpdateFormBody = Json<paths['/api/v1/forms/{id}']['patch']['requestBody']>;
export type FormFieldInput = CreateFormBody['fields'][number];
export type LeadSource = NonNullable<CreateFormBody['source']>;
