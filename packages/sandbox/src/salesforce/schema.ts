/** The org's object metadata: what `describe` answers and what queries and writes are checked against. */

export type SalesforceFieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'double'
  | 'currency'
  | 'percent'
  | 'int'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'picklist'
  | 'reference'
  | 'url'
  | 'email'
  | 'phone';

export interface FieldSchema {
  name: string;
  label: string;
  type: SalesforceFieldType;
  custom: boolean;
  updateable: boolean;
  createable: boolean;
  nillable: boolean;
  calculated: boolean;
  defaultedOnCreate: boolean;
  externalId: boolean;
  length: number;
  precision: number;
  scale: number;
  picklistValues: string[];
  referenceTo: string[];
  relationshipName: string | null;
}

export interface SObjectSchema {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: FieldSchema[];
}

type FieldOptions = Partial<Omit<FieldSchema, 'name' | 'type' | 'label'>>;

function field(name: string, type: SalesforceFieldType, label: string, options: FieldOptions = {}): FieldSchema {
  const textLength: Partial<Record<SalesforceFieldType, number>> = {
    id: 18,
    reference: 18,
    string: 255,
    textarea: 255,
    url: 255,
    email: 80,
    phone: 40,
    picklist: 255,
  };
  return {
    name,
    label,
    type,
    custom: name.endsWith('__c'),
    updateable: true,
    createable: true,
    nillable: true,
    calculated: false,
    defaultedOnCreate: false,
    externalId: false,
    length: textLength[type] ?? 0,
    precision: type === 'double' || type === 'currency' ? 18 : 0,
    scale: type === 'currency' ? 2 : 0,
    picklistValues: [],
    referenceTo: [],
    relationshipName: null,
    ...options,
  };
}

/** Fields Salesforce maintains itself: readable, never writable. */
const SYSTEM = { updateable: false, createable: false, nillable: false, defaultedOnCreate: true } as const;

function systemFields(): FieldSchema[] {
  return [
    field('CreatedDate', 'datetime', 'Created Date', SYSTEM),
    field('CreatedById', 'reference', 'Created By ID', {
      ...SYSTEM,
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
    }),
    field('LastModifiedDate', 'datetime', 'Last Modified Date', SYSTEM),
    field('LastModifiedById', 'reference', 'Last Modified By ID', {
      ...SYSTEM,
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
    }),
    field('SystemModstamp', 'datetime', 'System Modstamp', SYSTEM),
  ];
}

const owner = () =>
  field('OwnerId', 'reference', 'Owner ID', {
    nillable: false,
    defaultedOnCreate: true,
    referenceTo: ['User'],
    relationshipName: 'Owner',
  });

export const ACCOUNT: SObjectSchema = {
  name: 'Account',
  label: 'Account',
  labelPlural: 'Accounts',
  keyPrefix: '001',
  custom: false,
  fields: [
    field('Id', 'id', 'Account ID', SYSTEM),
    field('IsDeleted', 'boolean', 'Deleted', SYSTEM),
    field('Name', 'string', 'Account Name', { nillable: false }),
    field('Type', 'picklist', 'Account Type', {
      length: 255,
      picklistValues: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Other'],
    }),
    field('ParentId', 'reference', 'Parent Account ID', { referenceTo: ['Account'], relationshipName: 'Parent' }),
    field('BillingStreet', 'textarea', 'Billing Street'),
    field('BillingCity', 'string', 'Billing City', { length: 40 }),
    field('BillingState', 'string', 'Billing State/Province', { length: 80 }),
    field('BillingPostalCode', 'string', 'Billing Zip/Postal Code', { length: 20 }),
    field('BillingCountry', 'string', 'Billing Country', { length: 80 }),
    field('Phone', 'phone', 'Account Phone'),
    field('Website', 'url', 'Website'),
    field('Industry', 'picklist', 'Industry', {
      picklistValues: ['Banking', 'Education', 'Healthcare', 'Manufacturing', 'Media', 'Retail', 'Technology'],
    }),
    field('AnnualRevenue', 'currency', 'Annual Revenue', { scale: 0 }),
    field('NumberOfEmployees', 'int', 'Employees', { precision: 8 }),
    field('Description', 'textarea', 'Account Description', { length: 32000 }),
    owner(),
    ...systemFields(),
    field('LastActivityDate', 'date', 'Last Activity', { updateable: false, createable: false }),
    field('Domain__c', 'string', 'Domain'),
    field('Renewal_Date__c', 'date', 'Renewal Date'),
    field('Gainsight_GSID__c', 'string', 'Gainsight GSID', { length: 40, externalId: true }),
    field('Health_Score__c', 'double', 'Health Score', { precision: 5, scale: 2 }),
    field('Customer_Tier__c', 'picklist', 'Customer Tier', { picklistValues: ['Enterprise', 'Mid-Market', 'SMB'] }),
    field('Gainsight_Stage__c', 'string', 'Gainsight Stage', { length: 80 }),
    field('CSM_Notes__c', 'textarea', 'CSM Notes', { length: 1000 }),
    field('Pendo_numberofvisitors_last30d__c', 'double', 'Pendo Number of Visitors (Last 30d)', { scale: 0 }),
    field('Pendo_numberofvisitors_last7d__c', 'double', 'Pendo Number of Visitors (Last 7d)', { scale: 0 }),
    field('Pendo_timeonsite_last30d__c', 'double', 'Pendo Time On Site (Last 30d)', { precision: 16, scale: 2 }),
    field('Pendo_lastvisit_last30d__c', 'datetime', 'Pendo Last Visit (Last 30d)'),
    field('Pendo_featureclicks_last30d__c', 'double', 'Pendo Feature Clicks (Last 30d)', { scale: 0 }),
    field('Pendo_nps_score__c', 'double', 'Pendo NPS Score', { precision: 5, scale: 1 }),
  ],
};

export const CONTACT: SObjectSchema = {
  name: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  keyPrefix: '003',
  custom: false,
  fields: [
    field('Id', 'id', 'Contact ID', SYSTEM),
    field('IsDeleted', 'boolean', 'Deleted', SYSTEM),
    field('AccountId', 'reference', 'Account ID', { referenceTo: ['Account'], relationshipName: 'Account' }),
    field('FirstName', 'string', 'First Name', { length: 40 }),
    field('LastName', 'string', 'Last Name', { length: 80, nillable: false }),
    field('Name', 'string', 'Full Name', { length: 121, updateable: false, createable: false, nillable: false }),
    field('Email', 'email', 'Email'),
    field('Phone', 'phone', 'Business Phone'),
    field('Title', 'string', 'Title', { length: 128 }),
    owner(),
    ...systemFields(),
  ],
};

export const USER: SObjectSchema = {
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: '005',
  custom: false,
  fields: [
    field('Id', 'id', 'User ID', SYSTEM),
    field('Username', 'string', 'Username', { length: 80, nillable: false }),
    field('FirstName', 'string', 'First Name', { length: 40 }),
    field('LastName', 'string', 'Last Name', { length: 80, nillable: false }),
    field('Name', 'string', 'Full Name', { length: 121, updateable: false, createable: false, nillable: false }),
    field('Email', 'email', 'Email', { nillable: false }),
    field('IsActive', 'boolean', 'Active', { nillable: false }),
    ...systemFields(),
  ],
};

export const OBJECTS: SObjectSchema[] = [ACCOUNT, CONTACT, USER];

const SOAP_TYPES: Record<SalesforceFieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  url: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  picklist: 'xsd:string',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  int: 'xsd:int',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  boolean: 'xsd:boolean',
};

export function findField(schema: SObjectSchema, name: string): FieldSchema | undefined {
  const key = name.toLowerCase();
  return schema.fields.find((f) => f.name.toLowerCase() === key);
}

export function findObject(objects: Map<string, SObjectSchema>, name: string): SObjectSchema | undefined {
  const key = name.toLowerCase();
  for (const schema of objects.values()) if (schema.name.toLowerCase() === key) return schema;
  return undefined;
}

/** `GET …/sobjects/{name}/describe`, in Salesforce's own shape (a subset of its many keys). */
export function describeObject(schema: SObjectSchema, version: string): Record<string, unknown> {
  const base = `/services/data/${version}/sobjects/${schema.name}`;
  return {
    name: schema.name,
    label: schema.label,
    labelPlural: schema.labelPlural,
    keyPrefix: schema.keyPrefix,
    custom: schema.custom,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    retrieveable: true,
    searchable: true,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
    fields: schema.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      soapType: SOAP_TYPES[f.type],
      length: f.length,
      precision: f.precision,
      scale: f.scale,
      digits: f.type === 'int' ? f.precision : 0,
      custom: f.custom,
      updateable: f.updateable,
      createable: f.createable,
      nillable: f.nillable,
      calculated: f.calculated,
      defaultedOnCreate: f.defaultedOnCreate,
      externalId: f.externalId,
      unique: false,
      filterable: f.type !== 'textarea' || f.length <= 255,
      sortable: f.type !== 'textarea' || f.length <= 255,
      idLookup: f.type === 'id' || f.externalId,
      picklistValues: f.picklistValues.map((value) => ({ active: true, defaultValue: false, label: value, value })),
      referenceTo: f.referenceTo,
      relationshipName: f.relationshipName,
    })),
  };
}

/** One entry of `GET …/sobjects` (describeGlobal). */
export function globalEntry(schema: SObjectSchema, version: string): Record<string, unknown> {
  const base = `/services/data/${version}/sobjects/${schema.name}`;
  return {
    name: schema.name,
    label: schema.label,
    labelPlural: schema.labelPlural,
    keyPrefix: schema.keyPrefix,
    custom: schema.custom,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    retrieveable: true,
    searchable: true,
    layoutable: true,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}
