import type { Context, Hono } from 'hono';
import { findObject } from './catalog.js';
import { createGsid, renderValue } from './data.js';
import { badRequest, CODES, envelope, GainsightError, isPlainObject, jsonBody } from './envelope.js';
import { toGsids } from './picklists.js';
import { checkRecord, MAX_WRITE_RECORDS } from './routes-data.js';
import { guard, type GainsightRuntime } from './runtime.js';
import type { GainsightObjectDef, GainsightRow, PeopleJobResult } from './types.js';

/** Company ids named in `companies: [{ Company_ID }]`; every one must exist or the call fails. */
function readCompanyIds(rt: GainsightRuntime, companies: unknown): string[] {
  if (companies === undefined || companies === null) return [];
  if (!Array.isArray(companies)) throw badRequest('companies must be an array of {"Company_ID": "<gsid>"}');
  const known = new Set(rt.state.rows('company').map((r) => r.Gsid));
  return companies.map((entry) => {
    const id = isPlainObject(entry) ? entry.Company_ID : undefined;
    if (typeof id !== 'string' || !known.has(id)) {
      throw badRequest(`Company not found for Company_ID ${JSON.stringify(id ?? null)}`, CODES.unknownCompany, {
        errors: [
          {
            errorMessage: 'Company not found',
            errorCode: CODES.unknownCompany,
            fieldName: 'Company_ID',
            invalidValue: id ?? null,
          },
        ],
      });
    }
    return id;
  });
}

function render(def: GainsightObjectDef, row: GainsightRow, dateFormat: 'iso' | 'epoch'): Record<string, unknown> {
  return Object.fromEntries(
    def.fields.map((fd) => [fd.fieldName, renderValue(fd.dataType, toGsids(fd, row[fd.fieldName]), dateFormat)]),
  );
}

/**
 * Upsert one flat Person keyed by Email, optionally associated with companies; throws GainsightError
 * for what the vendor refuses (nothing is written then). Returns the stored row.
 */
function upsertOne(rt: GainsightRuntime, body: unknown): GainsightRow {
  if (!isPlainObject(body)) throw badRequest('Body must be one Person object');
  const def = findObject(rt.state.objects, 'person') as GainsightObjectDef;
  const { companies, ...person } = body;
  const outcome = checkRecord(rt, def, person, 'insert');
  if (outcome.errors.length > 0) {
    // Email problems first: they are what the vendor reports before anything else.
    const errors = [...outcome.errors].sort(
      (a, b) => Number(b.fieldName === 'Email') - Number(a.fieldName === 'Email'),
    );
    const first = errors[0] as (typeof errors)[number];
    const desc =
      first.fieldName === 'Email' && first.errorCode === CODES.requiredField
        ? 'Email is mandatory'
        : first.errorMessage;
    throw new GainsightError(400, first.errorCode, desc, { errors });
  }
  const companyIds = readCompanyIds(rt, companies);

  const people = rt.state.rows('person');
  const email = String(outcome.values.Email).toLowerCase();
  const at = rt.now();
  let row = people.find((p) => String(p.Email).toLowerCase() === email);
  if (row) Object.assign(row, outcome.values, { ModifiedDate: at });
  else {
    row = Object.fromEntries(def.fields.map((fd) => [fd.fieldName, null]));
    Object.assign(row, outcome.values, {
      Gsid: createGsid(rt.random, def.keyPrefix),
      CreatedDate: at,
      ModifiedDate: at,
    });
    people.push(row);
  }

  const links = rt.state.rows('company_person');
  const linkDef = findObject(rt.state.objects, 'company_person') as GainsightObjectDef;
  const personId = row.Gsid;
  for (const companyId of companyIds) {
    if (links.some((l) => l.Person_ID === personId && l.Company_ID === companyId)) continue;
    links.push({
      ...Object.fromEntries(linkDef.fields.map((fd) => [fd.fieldName, null])),
      Gsid: createGsid(rt.random, linkDef.keyPrefix),
      Person_ID: personId,
      Company_ID: companyId,
      IsPrimaryCompany: !links.some((l) => l.Person_ID === personId),
      Active: true,
      CreatedDate: at,
      ModifiedDate: at,
    });
  }
  return row;
}

/** The success body is undocumented: the envelope with the stored person in `data`. [L] */
async function upsertPerson(c: Context, rt: GainsightRuntime): Promise<Response> {
  const row = upsertOne(rt, await jsonBody(c));
  const def = findObject(rt.state.objects, 'person') as GainsightObjectDef;
  return c.json(envelope(render(def, row, rt.state.dateFormat)));
}

/**
 * Async bulk upsert: up to 50 people (a JSON array, or `{records: [...]}`), answered with a job id and
 * spending the bulk budget. Each person succeeds or fails on its own. The body and answer shapes are
 * undocumented. [L] The work is done at once; the first status poll still says INPROGRESS so clients
 * exercise their polling.
 */
async function submitPeopleJob(c: Context, rt: GainsightRuntime): Promise<Response> {
  const body = await jsonBody(c);
  const people = Array.isArray(body) ? body : isPlainObject(body) ? body.records : undefined;
  if (!Array.isArray(people) || people.length === 0) {
    throw badRequest('Body must be an array of 1 to 50 Person objects');
  }
  if (people.length > MAX_WRITE_RECORDS) {
    throw badRequest(
      `Maximum ${MAX_WRITE_RECORDS} records are allowed per request, got ${people.length}`,
      CODES.tooManyRecords,
    );
  }
  const results = people.map((person): PeopleJobResult => {
    const Email = isPlainObject(person) ? (person.Email ?? null) : null;
    try {
      return { Email, success: true, Gsid: String(upsertOne(rt, person).Gsid) };
    } catch (error) {
      if (!(error instanceof GainsightError)) throw error;
      return { Email, success: false, errors: error.toBody() };
    }
  });
  const jobId = crypto.randomUUID();
  rt.state.peopleJobs.set(jobId, { jobId, createdAt: rt.now(), polls: 0, results });
  return c.json(envelope({ jobId, status: 'INIT' }));
}

function peopleJobStatus(c: Context, rt: GainsightRuntime): Response {
  const job = rt.state.peopleJobs.get(c.req.param('jobId') ?? '');
  if (!job) throw new GainsightError(404, CODES.unknownJob, `Job ${c.req.param('jobId')} not found`);
  job.polls += 1;
  const done = job.polls > 1;
  const successCount = job.results.filter((r) => r.success).length;
  return c.json(
    envelope({
      jobId: job.jobId,
      status: done ? 'COMPLETED' : 'INPROGRESS',
      totalCount: job.results.length,
      successCount: done ? successCount : 0,
      failureCount: done ? job.results.length - successCount : 0,
      results: done ? job.results : [],
    }),
  );
}

export function registerPeopleRoutes(app: Hono, rt: GainsightRuntime): void {
  app.put('/v1.0/api/people', guard(rt), (c) => upsertPerson(c, rt));
  app.put('/v1/peoplemgmt/v1.0/people', guard(rt), (c) => upsertPerson(c, rt));
  // Async/bulk routes spend the 10/hour + 100/day budget; polling a job is an ordinary sync call.
  app.put('/v1/peoplemgmt/v1.0/people/async', guard(rt, 'bulk'), (c) => submitPeopleJob(c, rt));
  app.get('/v1/peoplemgmt/v1.0/people/async/:jobId', guard(rt), (c) => peopleJobStatus(c, rt));
}
