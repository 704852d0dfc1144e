import { Hono } from 'hono';
import { createControl, recordAndInjectFaults, seededRandom, type Simulator } from '../common.js';
import { buildCatalog, findObject } from './catalog.js';
import { createTables } from './data.js';
import { CODES, failure, GainsightError } from './envelope.js';
import { DEFAULT_LIMITS } from './limits.js';
import { registerDataRoutes } from './routes-data.js';
import { registerEventRoutes } from './routes-events.js';
import { registerMetaRoutes } from './routes-meta.js';
import { registerPeopleRoutes } from './routes-people.js';
import { type GainsightRuntime, tooManyRequests } from './runtime.js';
import type { GainsightSimulatorOptions, GainsightState, RegisteredGainsightEvent } from './types.js';

export type {
  GainsightDataType,
  GainsightFieldDef,
  GainsightLimits,
  GainsightObjectDef,
  GainsightObjectType,
  GainsightRow,
  GainsightSimulatorOptions,
  GainsightState,
  PeopleJob,
  PeopleJobResult,
  PublishedGainsightEvent,
  RegisteredGainsightEvent,
} from './types.js';

export { type PicklistOption, picklistGsid, picklistLabel, picklistOptions } from './picklists.js';

export const GAINSIGHT_DEFAULT_EVENTS: RegisteredGainsightEvent[] = [
  { eventName: 'sample_event', eventVersion: 'v01' },
  { eventName: 'Onboarding Completed', eventVersion: 'v01' },
  { eventName: 'Product Event', eventVersion: 'v01', topicName: 'product' },
];

/** A Gainsight CS (NXT) tenant: metadata, object data/query, people, Events Framework, fixed-window limits. */
export function createGainsightSimulator(options: GainsightSimulatorOptions = {}): Simulator<GainsightState> {
  const seed = options.seed ?? 1;
  // A tenant whose clock is not ours: its fixed windows (and the dates it stamps) follow its own clock.
  const clock = options.now ?? Date.now;
  const offset = options.clockOffsetMs ?? 0;
  const now = offset === 0 ? clock : () => clock() + offset;
  const control = createControl(seed);
  const reportingCategoryField = options.reportingCategoryField ?? 'ReportingCategory';
  const objects = buildCatalog(reportingCategoryField);
  for (const [objectName, fields] of Object.entries(options.extraFields ?? {})) {
    const def = findObject(objects, objectName);
    if (!def) throw new Error(`extraFields: no object ${objectName} in the simulated catalog`);
    def.fields.push(
      ...fields.map((fd) => ({ label: fd.fieldName, createable: true, updateable: true, required: false, ...fd })),
    );
  }
  const counts = {
    companies: options.companies ?? 40,
    people: options.people ?? 200,
    users: options.users ?? 8,
    activities: options.activities ?? 500,
    usageRows: options.usageRows ?? 400,
    surveyResponses: options.surveyResponses ?? 150,
  };
  const tables = createTables(
    objects,
    seed,
    counts,
    now(),
    reportingCategoryField,
    options.sfdcAccountIds,
    options.lazyUsageRows,
  );
  const state: GainsightState = {
    tenantId: options.tenantId ?? 'a1b2c3d4-0000-4000-8000-5eed00000001',
    accessKey: options.accessKey ?? 'gs-access-key-sandbox',
    sharedSecret: options.sharedSecret ?? 'gs-shared-secret-sandbox',
    dateFormat: options.dateFormat ?? 'iso',
    objects,
    rows: tables,
    virtual: tables.virtual,
    registeredEvents: [...(options.registeredEvents ?? GAINSIGHT_DEFAULT_EVENTS)],
    events: [],
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    windowCounts: new Map(),
    peopleJobs: new Map(),
  };
  const rt: GainsightRuntime = {
    state,
    now,
    random: seededRandom(seed ^ 0x5eed),
    rateLimitErrorCode: options.rateLimitErrorCode ?? CODES.rateLimited,
    retryAfterHeader: options.retryAfterHeader ?? false,
    unknownObjectStatus: options.unknownObjectStatus ?? 400,
    queryDataShape: options.queryDataShape ?? 'records',
  };

  const app = new Hono();
  app.use(
    '*',
    recordAndInjectFaults(control, {
      rateLimited: () => tooManyRequests(rt),
      serverError: (status) =>
        new Response(JSON.stringify(failure(CODES.serverError, 'Internal Server Error')), {
          status,
          headers: { 'content-type': 'application/json' },
        }),
    }),
  );
  registerMetaRoutes(app, rt);
  registerDataRoutes(app, rt);
  registerPeopleRoutes(app, rt);
  registerEventRoutes(app, rt);
  app.notFound((c) => c.json(failure(CODES.unknownRoute, `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof GainsightError) return c.json(err.toBody(), err.status);
    return c.json(failure(CODES.serverError, 'Internal Server Error'), 500);
  });

  return {
    app,
    control,
    state,
    credentials: { accessKey: state.accessKey, sharedSecret: state.sharedSecret, tenantId: state.tenantId },
  };
}
