import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Error codes the simulator answers. Documented ones first; the `[L]` ones are our inference where the
 * vendor documents the situation but not its code (kept in one place so they are easy to correct).
 */
export const CODES = {
  unauthorized: 'GS_APIG_2401',
  unknownRoute: 'GS_APIG_1000',
  rateLimited: 'GS_APIG_2404',
  writeValidation: 'GSOBJ_1006',
  picklist: 'GSOBJ_1012',
  badGsid: 'GSOBJ_1004',
  fieldMissing: 'GSOBJ_VCRUDR1002',
  invalidEmail: 'GSOBJ_VDTEMAIL1001',
  invalidNumber: 'GSOBJ_VDTNUM1001',
  invalidBoolean: 'GSOBJ_VDTBOOL1001',
  invalidDate: 'GSOBJ_VDTDATIME1001',
  unknownCompany: 'GSOBJ_PEOPLE1001',
  objectNotFound: 'OBJECT_NOT_FOUND',
  eventNotRegistered: '1001',
  /** [L] malformed request (body not JSON, select missing, bad limit…). */
  badRequest: 'GSOBJ_VCRUDR1001',
  /** [L] unknown where operator. */
  badOperator: 'GSOBJ_VCRUDR1003',
  /** [L] where expression does not parse or names an unknown alias. */
  badExpression: 'GSOBJ_VCRUDR1004',
  /** [L] more than 50 records in one write. */
  tooManyRecords: 'GSOBJ_1007',
  /** [L] mandatory field absent (Name on insert, Email on people). */
  requiredField: 'GSOBJ_VDTREQ1001',
  /** [L] update key matched no record. */
  noMatch: 'GSOBJ_1005',
  /** [L] text or SFDC id value of the wrong shape. */
  invalidText: 'GSOBJ_VDTSTR1001',
  /** [L] object exists but is not writable through the data API. */
  notWritable: 'GSOBJ_1001',
  /** [L] async job id that does not exist. */
  unknownJob: 'GSOBJ_JOB1001',
  /** [L] answer for injected server faults. */
  serverError: 'GS_APIG_5000',
} as const;

/** The envelope every object/metadata/people answer wears. */
export function envelope(data: unknown): Record<string, unknown> {
  return { result: true, errorCode: null, errorDesc: null, requestId: crypto.randomUUID(), data, message: null };
}

export function failure(errorCode: string, errorDesc: string, data: unknown = null): Record<string, unknown> {
  return { result: false, errorCode, errorDesc, requestId: crypto.randomUUID(), data, message: null };
}

/** A request the vendor rejects; routes throw it, `app.onError` turns it into the envelope. */
export class GainsightError extends Error {
  override readonly name = 'GainsightError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly errorCode: string,
    readonly errorDesc: string,
    readonly data: unknown = null,
  ) {
    super(errorDesc);
  }

  toBody(): Record<string, unknown> {
    return failure(this.errorCode, this.errorDesc, this.data);
  }
}

export const badRequest = (errorDesc: string, errorCode: string = CODES.badRequest, data: unknown = null) =>
  new GainsightError(400, errorCode, errorDesc, data);

/** Parse the JSON body, answering the vendor's 400 for malformed JSON. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Request body is not valid JSON');
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
