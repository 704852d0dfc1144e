import { type ConnectorContext, ConnectorError, errorFromAnswer, type HttpAnswer, httpRequest } from '@synchub/core';
import { baseUrlOf, type PendoSecrets, type PendoSettings } from './settings.js';

/** One metadata field as Pendo describes it (`Type` is string, boolean, integer, float, time or list). */
export interface PendoFieldSchema {
  Type: string;
  DisplayName?: string;
  isHidden?: boolean;
  isDeleted?: boolean;
  [key: string]: unknown;
}

/** `GET /api/v1/metadata/schema/account`: fields by group (auto, agent, custom, salesforce…). */
export type PendoAccountSchema = Record<string, Record<string, PendoFieldSchema>>;

export type PendoRow = Record<string, unknown>;

export interface PendoWriteRow {
  accountId: string;
  values: Record<string, unknown>;
}

export interface PendoWriteSummary {
  total: number;
  updated: number;
  failed: number;
  /** Account ids Pendo does not know. */
  missing: string[];
}

export interface PendoClient {
  /** Run an aggregation pipeline; Pendo does not page, so page with sort + filter + limit. */
  aggregate(pipeline: unknown[], requestId?: string): Promise<PendoRow[]>;
  /** Rows of a saved account report (one per account, one column per measure). */
  reportResults(reportId: string): Promise<PendoRow[]>;
  accountSchema(): Promise<PendoAccountSchema>;
  /** Set custom account metadata; fields must already exist in Pendo (an unknown field fails its row). */
  writeAccountValues(rows: PendoWriteRow[]): Promise<PendoWriteSummary>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short, key-free rendering of what Pendo said, for the error message (the full body stays in `body`). */
function vendorSays(body: unknown, secret: string): string {
  let said = '';
  if (typeof body === 'string') said = body.trim();
  else if (isObject(body) && isObject(body.fields)) {
    said = Object.entries(body.fields)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
  } else if (body !== null && body !== undefined) said = JSON.stringify(body);
  if (secret) said = said.split(secret).join('***');
  return said.length > 200 ? `${said.slice(0, 200)}…` : said;
}

function failure(answer: HttpAnswer, now: number, what: string, region: string, secret: string): ConnectorError {
  const said = vendorSays(answer.body, secret);
  const suffix = said ? `: ${said}` : '';
  const { status } = answer;
  let message: string;
  if (status === 401) {
    message = `Pendo rejected the integration key (401); check the key and that it belongs to the ${region} region${suffix}`;
  } else if (status === 403)
    message = `The Pendo integration key may not ${what} (403); it needs write access${suffix}`;
  else if (status === 404) message = `Pendo found nothing to ${what} (404)${suffix}`;
  else if (status === 429) message = `Pendo is rate limiting this key (429) while trying to ${what}`;
  else if (status >= 500) message = `Pendo failed to ${what} (${status})${suffix}`;
  else message = `Pendo rejected the request to ${what} (${status})${suffix}`;
  return errorFromAnswer(answer, now, message);
}

function unexpected(what: string, answer: HttpAnswer): ConnectorError {
  return new ConnectorError('unexpected', `Pendo answered ${what} in a shape the connector does not understand`, {
    status: answer.status,
    body: answer.body,
  });
}

export function createPendoClient(settings: PendoSettings, secrets: PendoSecrets, ctx: ConnectorContext): PendoClient {
  const base = baseUrlOf(settings);
  const key = secrets.integrationKey;

  /** `write`: the call changes data in Pendo; a dry run records it and answers `write.dryRunAnswer`. */
  async function call(
    what: string,
    method: string,
    path: string,
    body?: unknown,
    write?: { dryRunAnswer: unknown },
  ): Promise<HttpAnswer> {
    // A write a dry run only records costs no call: it must not spend the key's budget either.
    if (!(write && ctx.dryRun)) await ctx.acquire?.('api');
    const answer = await httpRequest(ctx, {
      method,
      url: `${base}${path}`,
      headers: { 'x-pendo-integration-key': key },
      body,
      ...(write ? { write: true, dryRunAnswer: write.dryRunAnswer } : {}),
    });
    if (answer.status < 200 || answer.status >= 300) throw failure(answer, ctx.now(), what, settings.region, key);
    return answer;
  }

  return {
    async aggregate(pipeline, requestId = `synchub-${ctx.now()}`) {
      const answer = await call('run the aggregation', 'POST', '/api/v1/aggregation', {
        response: { mimeType: 'application/json' },
        request: { requestId, pipeline },
      });
      const results = isObject(answer.body) ? answer.body.results : undefined;
      if (!Array.isArray(results)) throw unexpected('the aggregation', answer);
      return results as PendoRow[];
    },

    async reportResults(reportId) {
      const answer = await call(
        `read report ${reportId}`,
        'GET',
        `/api/v1/report/${encodeURIComponent(reportId)}/results.json`,
      );
      if (!Array.isArray(answer.body)) throw unexpected(`report ${reportId}`, answer);
      return answer.body as PendoRow[];
    },

    async accountSchema() {
      const answer = await call('read the account metadata schema', 'GET', '/api/v1/metadata/schema/account');
      if (!isObject(answer.body) || !Object.values(answer.body).every(isObject)) {
        throw unexpected('the account metadata schema', answer);
      }
      return answer.body as PendoAccountSchema;
    },

    async writeAccountValues(rows) {
      const answer = await call('write account metadata', 'POST', '/api/v1/metadata/account/custom/value', rows, {
        dryRunAnswer: { total: rows.length, updated: rows.length, failed: 0, missing: [] },
      });
      const b = answer.body;
      if (!isObject(b) || typeof b.total !== 'number' || typeof b.updated !== 'number') {
        throw unexpected('the metadata write', answer);
      }
      return {
        total: b.total,
        updated: b.updated,
        failed: typeof b.failed === 'number' ? b.failed : b.total - b.updated,
        missing: Array.isArray(b.missing) ? b.missing.map(String) : [],
      };
    },
  };
}
