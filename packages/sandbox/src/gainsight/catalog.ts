import type { GainsightDataType, GainsightFieldDef, GainsightObjectDef, GainsightObjectType } from './types.js';

// The tenant's object catalog: the objects the pulls and writes use, plus enough standard/system/custom
// objects that "N objects discovered" looks like a real (small) tenant.

/** Industries the seeded companies are drawn from. */
export const INDUSTRIES = ['Software', 'Healthcare', 'Financial Services', 'Manufacturing', 'Retail', 'Education'];
/** The Industry picklist: the seeded industries plus an item no seeded company happens to hold. */
export const INDUSTRY_ITEMS = [...INDUSTRIES, 'Technology'];
export const STAGES = ['New Customer', 'Kick Off', 'Launched', 'Adopting', 'Will Expand', 'Will Churn', 'Churned'];
/** A retired Stage item: still answered on rows that hold it, refused on write (GSOBJ_1012). */
export const INACTIVE_STAGES = ['Legacy'];
export const STATUSES = ['Active', 'Inactive', 'Churn'];
export const COMPANY_TYPES = ['Customer', 'Prospect', 'Partner'];
export const MANAGED_AS = ['High Touch', 'Mid Touch', 'Tech Touch'];
export const TAGS = ['Strategic', 'Upsell', 'At Risk', 'Reference', 'Beta'];
/** Seeded categories; `Onboarding` is deliberately outside the hub's default category map. */
export const REPORTING_CATEGORIES = ['Email', 'Meeting', 'Call', 'Update', 'Risk', 'Onboarding'];
export const SURVEY_TYPES = ['NPS', 'CSAT', 'CUSTOM'];
export const NPS_CATEGORIES = ['Promoter', 'Passive', 'Detractor'];
export const USAGE_METRICS = ['active_users', 'logins', 'time_on_site_minutes', 'feature_clicks'];
export const USAGE_MODULES = ['Reports', 'Dashboards', 'Workflows', 'Admin'];

function f(
  fieldName: string,
  dataType: GainsightDataType,
  extra: Partial<Omit<GainsightFieldDef, 'fieldName' | 'dataType'>> = {},
): GainsightFieldDef {
  return {
    fieldName,
    label: extra.label ?? fieldName.replace(/__gc$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
    dataType,
    createable: extra.createable ?? true,
    updateable: extra.updateable ?? true,
    required: extra.required ?? false,
    picklist: extra.picklist,
    picklistInactive: extra.picklistInactive,
    picklistCategory: extra.picklistCategory,
    lookupObject: extra.lookupObject,
  };
}

const lookup = (fieldName: string, lookupObject: string, label?: string) =>
  f(fieldName, 'LOOKUP', { lookupObject, label });

/** Gsid + audit fields every object has; none of them is writable. */
function system(modifiedName = 'ModifiedDate'): GainsightFieldDef[] {
  const ro = { createable: false, updateable: false };
  return [
    f('Gsid', 'GSID', { ...ro, label: 'GSID' }),
    f('CreatedDate', 'DATETIME', ro),
    f(modifiedName, 'DATETIME', ro),
  ];
}

function obj(
  objectName: string,
  label: string,
  objectType: GainsightObjectType,
  keyPrefix: string,
  fields: GainsightFieldDef[],
  createable = true,
): GainsightObjectDef {
  return { objectName, label, objectType, keyPrefix, readable: true, createable, fields };
}

export function buildCatalog(reportingCategoryField: string): GainsightObjectDef[] {
  return [
    obj('company', 'Company', 'STANDARD', '1P02', [
      ...system(),
      f('Name', 'STRING', { required: true }),
      f('Industry', 'PICKLIST', { picklist: INDUSTRY_ITEMS }),
      f('IndustryNew', 'PICKLIST', { picklist: INDUSTRY_ITEMS, picklistCategory: 'Industry', label: 'Industry (New)' }),
      f('Arr', 'CURRENCY', { label: 'ARR' }),
      f('Mrr', 'CURRENCY', { label: 'MRR' }),
      f('Employees', 'NUMBER'),
      f('Users', 'NUMBER'),
      f('LifecycleInWeeks', 'NUMBER'),
      f('CustomerLifetimeInMonths', 'NUMBER'),
      f('OriginalContractDate', 'DATE'),
      f('RenewalDate', 'DATE'),
      f('Stage', 'PICKLIST', { picklist: [...STAGES, ...INACTIVE_STAGES], picklistInactive: INACTIVE_STAGES }),
      f('Status', 'PICKLIST', { picklist: STATUSES }),
      f('CompanyType', 'PICKLIST', { picklist: COMPANY_TYPES }),
      f('ManagedAs', 'PICKLIST', { picklist: MANAGED_AS }),
      lookup('Csm', 'gsuser', 'CSM'),
      lookup('ParentCompany', 'company'),
      f('Tags', 'MULTISELECTDROPDOWNLIST', { picklist: TAGS }),
      f('SfdcAccountId', 'SFDCID', { label: 'SFDC Account ID' }),
      f('BillingAddress', 'STRING'),
      f('TickerSymbol', 'STRING'),
      f('Summary', 'RICHTEXTAREA'),
      f('HealthScore__gc', 'NUMBER', { label: 'Health Score' }),
    ]),
    obj(
      'person',
      'Person',
      'STANDARD',
      '1P04',
      [
        ...system(),
        f('Email', 'EMAIL', { required: true }),
        f('Name', 'STRING'),
        f('FirstName', 'STRING'),
        f('MiddleName', 'STRING'),
        f('LastName', 'STRING'),
        f('LinkedinUrl', 'URL', { label: 'LinkedIn URL' }),
        f('Location', 'STRING'),
        f('Timezone', 'STRING'),
        f('EmailOptOut', 'BOOLEAN'),
        f('DynamicResolutionKey', 'STRING'),
        f('Comments', 'RICHTEXTAREA'),
        f('MasterRecordID', 'STRING', { label: 'Master Record ID' }),
        // A number at Gainsight [H]: RudderStack sends Number(v).
        f('MasterAvatarTypeCode', 'NUMBER'),
        f('ExternalRecordID__gc', 'STRING', { label: 'External Record ID' }),
        f('Plan__gc', 'STRING', { label: 'Plan' }),
      ],
      false,
    ),
    obj(
      'company_person',
      'Company Person',
      'STANDARD',
      '1C05',
      [
        ...system(),
        lookup('Person_ID', 'person', 'Person ID'),
        lookup('Company_ID', 'company', 'Company ID'),
        f('Title', 'STRING'),
        f('Role', 'PICKLIST', { picklist: ['Champion', 'Decision Maker', 'User', 'Executive Sponsor'] }),
        f('IsPrimaryCompany', 'BOOLEAN'),
        f('Active', 'BOOLEAN'),
      ],
      false,
    ),
    obj(
      'activity_timeline',
      'Activity Timeline',
      'STANDARD',
      '1I00',
      [
        ...system('LastModifiedDate'),
        lookup('GsCompanyId', 'company', 'Company ID'),
        lookup('GsRelationshipId', 'relationship', 'Relationship ID'),
        lookup('AuthorId', 'gsuser', 'Author'),
        f('Subject', 'STRING'),
        f('Notes', 'RICHTEXTAREA'),
        f('ActivityDate', 'DATETIME'),
        f('contextname', 'STRING', { label: 'Context Name' }),
        f(reportingCategoryField, 'PICKLIST', {
          picklist: REPORTING_CATEGORIES,
          picklistCategory: 'ReportingCategory',
          label: 'Reporting Category',
        }),
        f('Ant__Duration__c', 'NUMBER', { label: 'Duration (min)' }),
        f('Ant__Sentiment__c', 'PICKLIST', { picklist: ['Positive', 'Neutral', 'Negative'], label: 'Sentiment' }),
      ],
      false,
    ),
    obj(
      'survey',
      'Survey',
      'STANDARD',
      '1S01',
      [
        ...system(),
        f('Name', 'STRING'),
        f('SurveyType', 'PICKLIST', { picklist: SURVEY_TYPES }),
        f('Status', 'STRING'),
      ],
      false,
    ),
    obj(
      'survey_participant',
      'Survey Participant',
      'STANDARD',
      '1S02',
      [
        ...system(),
        lookup('SurveyId', 'survey', 'Survey'),
        lookup('GsCompanyId', 'company', 'Company ID'),
        lookup('PersonId', 'person', 'Person'),
        f('Email', 'EMAIL'),
        f('Status', 'PICKLIST', { picklist: ['Sent', 'Responded', 'Bounced'] }),
        f('SentDate', 'DATETIME'),
        f('RespondedDate', 'DATETIME'),
      ],
      false,
    ),
    obj(
      'survey_response',
      'Survey Response',
      'STANDARD',
      '1S03',
      [
        ...system(),
        lookup('SurveyId', 'survey', 'Survey'),
        lookup('ParticipantId', 'survey_participant', 'Participant'),
        lookup('GsCompanyId', 'company', 'Company ID'),
        lookup('PersonId', 'person', 'Person'),
        f('Email', 'EMAIL'),
        f('SurveyType', 'PICKLIST', { picklist: SURVEY_TYPES }),
        f('QuestionText', 'STRING'),
        f('NPSScore', 'NUMBER', { label: 'NPS Score' }),
        f('NPSCategory', 'PICKLIST', { picklist: NPS_CATEGORIES, label: 'NPS Category' }),
        f('Comment', 'RICHTEXTAREA'),
        f('ResponseDate', 'DATETIME'),
      ],
      // [L] Writable through the data API, so responses from an outside survey tool (Qualtrics) can land here.
      true,
    ),
    obj(
      'gsuser',
      'User',
      'SYSTEM',
      '1P01',
      [
        ...system(),
        f('Name', 'STRING'),
        f('FirstName', 'STRING'),
        f('LastName', 'STRING'),
        f('Email', 'EMAIL'),
        f('Title', 'STRING'),
        f('IsActiveUser', 'BOOLEAN'),
      ],
      false,
    ),
    obj('product_usage__gc', 'Product Usage', 'CUSTOM', '1I0C', [
      ...system(),
      lookup('GsCompanyId', 'company', 'Company ID'),
      f('AccountId__gc', 'SFDCID', { label: 'Account ID' }),
      f('UsageDate__gc', 'DATE', { label: 'Usage Date' }),
      f('MetricName__gc', 'STRING', { label: 'Metric Name' }),
      f('MetricValue__gc', 'NUMBER', { label: 'Metric Value' }),
      f('Module__gc', 'STRING', { label: 'Module' }),
      f('ActiveUsers__gc', 'NUMBER', { label: 'Active Users' }),
      f('AggregationLevel__gc', 'PICKLIST', { picklist: ['ACCOUNTLEVEL', 'USERLEVEL'], label: 'Aggregation Level' }),
    ]),
    // Objects nothing here pulls yet; present (with a few rows at most) because real tenants have them.
    obj('relationship', 'Relationship', 'STANDARD', '1P05', [
      ...system(),
      f('Name', 'STRING', { required: true }),
      lookup('GsCompanyId', 'company', 'Company ID'),
      lookup('TypeId', 'relationship_type', 'Type'),
      f('Arr', 'CURRENCY', { label: 'ARR' }),
      lookup('Csm', 'gsuser', 'CSM'),
    ]),
    obj('relationship_type', 'Relationship Type', 'STANDARD', '1P06', [...system(), f('Name', 'STRING')], false),
    obj('relationship_person', 'Relationship Person', 'STANDARD', '1C06', [
      ...system(),
      lookup('RelationshipId', 'relationship', 'Relationship'),
      lookup('Person_ID', 'person', 'Person ID'),
      f('Role', 'STRING'),
    ]),
    obj('call_to_action', 'Call To Action', 'STANDARD', '1I01', [
      ...system(),
      f('Name', 'STRING', { required: true }),
      lookup('CompanyId', 'company', 'Company'),
      lookup('OwnerId', 'gsuser', 'Owner'),
      f('DueDate', 'DATE'),
      f('Priority', 'PICKLIST', { picklist: ['High', 'Medium', 'Low'] }),
      f('Status', 'PICKLIST', { picklist: ['Open', 'Work In Progress', 'Closed Success', 'Closed Lost'] }),
    ]),
    obj('cs_task', 'CS Task', 'STANDARD', '1I02', [
      ...system(),
      f('Name', 'STRING', { required: true }),
      lookup('CompanyId', 'company', 'Company'),
      lookup('OwnerId', 'gsuser', 'Owner'),
      f('DueDate', 'DATE'),
      f('Status', 'STRING'),
    ]),
    obj('success_plan', 'Success Plan', 'STANDARD', '1I03', [
      ...system(),
      f('Name', 'STRING', { required: true }),
      lookup('CompanyId', 'company', 'Company'),
      f('Status', 'STRING'),
      f('DueDate', 'DATE'),
    ]),
    obj(
      'scorecard_fact',
      'Scorecard Fact',
      'STANDARD',
      '1I04',
      [
        ...system(),
        lookup('CompanyId', 'company', 'Company'),
        f('MeasureName', 'STRING'),
        f('Score', 'NUMBER'),
        f('Comments', 'STRING'),
      ],
      false,
    ),
    obj(
      'user_role',
      'User Role',
      'SYSTEM',
      '1P08',
      [...system(), f('Name', 'STRING'), f('Description', 'STRING')],
      false,
    ),
    obj(
      'gs_picklist',
      'Picklist',
      'SYSTEM',
      '1P09',
      [...system(), f('Name', 'STRING'), f('Category', 'STRING'), f('Active', 'BOOLEAN')],
      false,
    ),
    obj('company_health__gc', 'Company Health', 'CUSTOM', '1I0D', [
      ...system(),
      lookup('GsCompanyId', 'company', 'Company ID'),
      f('Score__gc', 'PERCENTAGE', { label: 'Score' }),
      f('Trend__gc', 'STRING', { label: 'Trend' }),
      f('Details__gc', 'JSON', { label: 'Details' }),
    ]),
    obj('feature_adoption__gc', 'Feature Adoption', 'CUSTOM', '1I0E', [
      ...system(),
      lookup('GsCompanyId', 'company', 'Company ID'),
      f('Feature__gc', 'STRING', { label: 'Feature' }),
      f('AdoptionRate__gc', 'PERCENTAGE', { label: 'Adoption Rate' }),
      f('Website__gc', 'URL', { label: 'Website' }),
    ]),
  ];
}

/** Object names are case-insensitive. */
export function findObject(objects: GainsightObjectDef[], name: string): GainsightObjectDef | undefined {
  const lower = name.toLowerCase();
  return objects.find((o) => o.objectName.toLowerCase() === lower);
}

/** Field names are case-sensitive. */
export function findField(object: GainsightObjectDef, name: string): GainsightFieldDef | undefined {
  return object.fields.find((fd) => fd.fieldName === name);
}
