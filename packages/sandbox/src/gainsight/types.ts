/** Gainsight field data types as the describe API names them. */
export type GainsightDataType =
  | 'STRING'
  | 'GSID'
  | 'DATETIME'
  | 'DATE'
  | 'LOOKUP'
  | 'EMAIL'
  | 'URL'
  | 'NUMBER'
  | 'PERCENTAGE'
  | 'CURRENCY'
  | 'BOOLEAN'
  | 'PICKLIST'
  | 'MULTISELECTDROPDOWNLIST'
  | 'SFDCID'
  | 'RICHTEXTAREA'
  | 'JSON';

export interface GainsightFieldDef {
  fieldName: string;
  label: string;
  dataType: GainsightDataType;
  createable: boolean;
  updateable: boolean;
  required?: boolean | undefined;
  /**
   * Item labels of PICKLIST / MULTISELECTDROPDOWNLIST fields. Each item has a GSID (see picklists.ts):
   * answers carry GSIDs and writes take them, as the vendor does; rows keep labels internally.
   */
  picklist?: string[] | undefined;
  /** Labels of `picklist` whose items are inactive: still read, refused on write. */
  picklistInactive?: string[] | undefined;
  /** The picklist category whose items the field holds (default: the field name); it keys item GSIDs. */
  picklistCategory?: string | undefined;
  /** Target object of LOOKUP fields (traversed with `Field__gr.Other`). */
  lookupObject?: string | undefined;
}

export type GainsightObjectType = 'STANDARD' | 'CUSTOM' | 'SYSTEM';

export interface GainsightObjectDef {
  objectName: string;
  label: string;
  objectType: GainsightObjectType;
  keyPrefix: string;
  readable: boolean;
  /** Whether `/v1/data/objects/{name}` insert/update accepts it (Person goes through the people API). */
  createable: boolean;
  fields: GainsightFieldDef[];
}

/** Rows computed from their index, ascending by `orderField` (strictly) and Gsid. */
export interface VirtualTable {
  length: number;
  at(index: number): GainsightRow;
  orderField: string;
  /** The order field's value (epoch ms) of row `index`, without building the row. */
  keyAt(index: number): number;
}

/** One stored row. DATE/DATETIME values are epoch ms internally and rendered per `dateFormat`. */
export type GainsightRow = Record<string, unknown>;

export interface RegisteredGainsightEvent {
  eventName: string;
  eventVersion: string;
  /** When set, a publish naming another topic is "not registered". */
  topicName?: string | undefined;
}

export interface PublishedGainsightEvent {
  eventId: string;
  at: number;
  eventName: string;
  eventVersion: string;
  tenantId: string;
  topicName: string | undefined;
  contractId: string | undefined;
  body: unknown;
}

/** Fixed-window budgets per tenant. */
export interface GainsightLimits {
  syncPerMinute: number;
  syncPerDay: number;
  /** Bulk/async budgets, spent by the async people route. */
  bulkPerHour: number;
  bulkPerDay: number;
}

export interface GainsightSimulatorOptions {
  seed?: number;
  accessKey?: string;
  sharedSecret?: string;
  tenantId?: string;
  /** Seeded row counts (generated on first read of each object). */
  companies?: number;
  people?: number;
  users?: number;
  activities?: number;
  usageRows?: number;
  surveyResponses?: number;
  /** How DATE/DATETIME values are answered: ISO strings (live tenants) or epoch ms (doc samples). */
  dateFormat?: 'iso' | 'epoch';
  /** Field of activity_timeline holding the reporting category (tenant-specific). */
  reportingCategoryField?: string;
  /**
   * Salesforce Account ids for the seeded companies' SfdcAccountId, in order (company i gets the i-th;
   * companies past the list keep generated ids), so a Salesforce simulator's Accounts line up.
   */
  sfdcAccountIds?: string[];
  /**
   * Compute product_usage__gc rows from their index on demand instead of storing them (benchmarks with
   * millions of rows): reads in (ModifiedDate, Gsid) order cost one page, not the table. Anything else
   * (a write, another sort order) stores the rows first.
   */
  lazyUsageRows?: boolean;
  /** Extra fields on catalog objects, by object name (e.g. usage measures on product_usage__gc). */
  extraFields?: Record<string, Array<Pick<GainsightFieldDef, 'fieldName' | 'dataType'> & Partial<GainsightFieldDef>>>;
  limits?: Partial<GainsightLimits>;
  /** Clock for rate-limit windows, CreatedDate/ModifiedDate and the seeded data's anchor. */
  now?: () => number;
  /**
   * How far the tenant's clock runs ahead of `now` (negative: behind), e.g. ±20 s: its fixed minute and
   * day windows start when its own clock says so, as a real tenant's do. Default 0.
   */
  clockOffsetMs?: number;
  registeredEvents?: RegisteredGainsightEvent[];
  /** 429 error code: `GS_APIG_2404` (gateway) or `GU_2400` (RudderStack's fixture). [L] */
  rateLimitErrorCode?: string;
  /** Send a `Retry-After` header on 429 (the real API documents none). [L] */
  retryAfterHeader?: boolean;
  /** HTTP status for OBJECT_NOT_FOUND (describe/query/write of an unknown object). [L] */
  unknownObjectStatus?: 400 | 404;
  /** Query answer shape: `data.records` (live) or a bare `data: [...]` (doc samples). */
  queryDataShape?: 'records' | 'array';
}

export interface GainsightState {
  tenantId: string;
  accessKey: string;
  sharedSecret: string;
  dateFormat: 'iso' | 'epoch';
  objects: GainsightObjectDef[];
  /** Rows of an object (any case), generated on first access; writes append/mutate in place. */
  rows(objectName: string): GainsightRow[];
  /** A table computed on demand instead of stored (see `lazyUsageRows`), until something stores it. */
  virtual?(objectName: string): VirtualTable | undefined;
  registeredEvents: RegisteredGainsightEvent[];
  events: PublishedGainsightEvent[];
  limits: GainsightLimits;
  /** Calls counted per fixed window, keyed `bucket:windowMs:windowIndex`. */
  windowCounts: Map<string, number>;
  /** Async people upserts by job id. */
  peopleJobs: Map<string, PeopleJob>;
}

/** One person's outcome inside an async people job. [L: result shape] */
export interface PeopleJobResult {
  Email: unknown;
  success: boolean;
  Gsid?: string | undefined;
  errors?: unknown;
}

export interface PeopleJob {
  jobId: string;
  createdAt: number;
  /** Status polls answered so far: the first answers INPROGRESS, later ones COMPLETED. */
  polls: number;
  results: PeopleJobResult[];
}
