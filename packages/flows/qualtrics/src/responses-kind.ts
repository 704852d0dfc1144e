import {
  ConnectorError,
  definePipelineKind,
  type Issue,
  isConnectorError,
  previewPageOption,
  previewPages,
  type ResolvedConnection,
  type RunContext,
  type SyncRecord,
} from '@synchub/core';
import { z } from 'zod';

const fieldName = (title: string, description: string, value: string) =>
  z.string().trim().max(100).default(value).meta({ title, description });

export const responsesSettings = z.strictObject({
  surveyIds: z
    .array(z.string().trim().min(1))
    .min(1, 'pick at least one survey')
    .max(50)
    .meta({ title: 'Surveys', description: 'Qualtrics survey ids (SV_…) whose responses go to Gainsight.' }),
  gainsightConnectionId: z.string().min(1, 'required').meta({
    title: 'Gainsight connection',
    description: 'Where the responses are written.',
  }),
  targetObject: z.string().trim().min(1).default('survey_response').meta({
    title: 'Gainsight object',
    description: 'The object each response becomes a row of (survey_response, or a custom object …__gc).',
  }),
  companyGsidField: z.string().trim().min(1).default('CompanyGSID').meta({
    title: 'Company GSID field',
    description:
      'The embedded-data field of the survey that holds the Gainsight company GSID (set when the survey is sent from a Gainsight-triggered workflow).',
  }),
  npsQuestionId: z.string().trim().min(1).default('QID1').meta({
    title: 'NPS question',
    description: 'Question id of the 0–10 question; its NPS group (1 detractor, 2 passive, 3 promoter) comes with it.',
  }),
  commentQuestionId: z.string().trim().max(50).default('QID2').meta({
    title: 'Comment question',
    description: 'Question id of the free-text reason (its text column QIDn_TEXT); empty for none.',
  }),
  emailField: z.string().trim().max(100).default('RecipientEmail').meta({
    title: 'Email field',
    description: 'Embedded-data field with the respondent’s email; empty for none.',
  }),
  surveyType: z.enum(['NPS', 'CSAT', 'CUSTOM']).default('NPS').meta({
    title: 'Survey type',
    description: 'Written to the survey type field of each row.',
  }),
  groupFormat: z.enum(['label', 'number']).default('label').meta({
    title: 'NPS group as',
    description: 'label: Detractor / Passive / Promoter (Gainsight’s NPS Category picklist); number: 1 / 2 / 3.',
  }),
  includeUnfinished: z.boolean().default(false).meta({
    title: 'Include unfinished responses',
    description: 'Also send partial responses that answered the NPS question.',
  }),
  startDate: z.iso.datetime({ offset: true }).optional().meta({
    title: 'Responses since',
    description: 'First run only: responses recorded from this date-time on (ISO 8601); later runs continue.',
  }),
  fields: z
    .strictObject({
      company: z.string().trim().min(1).default('GsCompanyId').meta({
        title: 'Company field',
        description: 'Lookup to the company (required).',
      }),
      score: fieldName('Score field', 'The 0–10 score; empty to leave out.', 'NPSScore'),
      group: fieldName('Group field', 'The NPS group; empty to leave out.', 'NPSCategory'),
      comment: fieldName('Comment field', 'The free-text reason; empty to leave out.', 'Comment'),
      respondedAt: fieldName('Date field', 'When the response was recorded; empty to leave out.', 'ResponseDate'),
      email: fieldName('Email field', 'The respondent’s email; empty to leave out.', 'Email'),
      surveyType: fieldName('Survey type field', 'The survey type; empty to leave out.', 'SurveyType'),
    })
    .default({
      company: 'GsCompanyId',
      score: 'NPSScore',
      group: 'NPSCategory',
      comment: 'Comment',
      respondedAt: 'ResponseDate',
      email: 'Email',
      surveyType: 'SurveyType',
    })
    .meta({ title: 'Gainsight fields', description: 'Which field of the object receives each value.' }),
});

export type ResponsesSettings = z.output<typeof responsesSettings>;

const GROUP_LABEL = { 1: 'Detractor', 2: 'Passive', 3: 'Promoter' } as const;
/** Gainsight writes take at most 50 records per call. */
const WRITE_BATCH = 50;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const REASONS = {
  noGsid: 'no company GSID in the response',
  unmatched: 'company GSID not found in Gainsight',
  noScore: 'no NPS score',
  unfinished: 'response not finished',
} as const;

export type Mapped = { ok: true; gsid: string; row: SyncRecord } | { ok: false; reason: string; gsid?: string };

const npsGroupOf = (score: number): 1 | 2 | 3 => (score <= 6 ? 1 : score <= 8 ? 2 : 3);

/** One exported response → one Gainsight row (or why not). The company is checked separately. */
export function mapResponse(record: SyncRecord, s: ResponsesSettings): Mapped {
  if (!s.includeUnfinished && record.finished === false) return { ok: false, reason: REASONS.unfinished };
  const gsid = typeof record[s.companyGsidField] === 'string' ? String(record[s.companyGsidField]).trim() : '';
  if (!gsid) return { ok: false, reason: REASONS.noGsid };
  const rawScore = record[s.npsQuestionId];
  const score = typeof rawScore === 'number' ? rawScore : typeof rawScore === 'string' ? Number(rawScore) : Number.NaN;
  if (rawScore === '' || !Number.isFinite(score))
    return { ok: false, reason: `${REASONS.noScore} (${s.npsQuestionId})`, gsid };
  const given = Number(record[`${s.npsQuestionId}_NPS_GROUP`]);
  const group = given === 1 || given === 2 || given === 3 ? given : npsGroupOf(score);
  const comment = s.commentQuestionId ? record[`${s.commentQuestionId}_TEXT`] : undefined;
  const email = s.emailField ? record[s.emailField] : undefined;
  const values: Array<[string, unknown]> = [
    [s.fields.company, gsid],
    [s.fields.score, score],
    [s.fields.group, s.groupFormat === 'label' ? GROUP_LABEL[group] : group],
    [s.fields.comment, typeof comment === 'string' && comment.trim() ? comment : undefined],
    [s.fields.respondedAt, record.recordedDate],
    // An invalid address would fail the whole Gainsight call (all 50 records): leave it out instead.
    [s.fields.email, typeof email === 'string' && EMAIL.test(email) ? email : undefined],
    [s.fields.surveyType, s.surveyType],
  ];
  const row: SyncRecord = {};
  for (const [field, value] of values) if (field && value !== undefined) row[field] = value;
  return { ok: true, gsid, row };
}

/** Which of these GSIDs are Gainsight companies: one query per page of responses. */
async function existingCompanies(gs: ResolvedConnection, gsids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const stream = gs.connector.streams.records;
  if (!stream) throw new ConnectorError('config', `Connection "${gs.name}" cannot read Gainsight companies`);
  for (let i = 0; i < gsids.length; i += 5000) {
    const options = {
      object: 'company',
      select: ['Gsid'],
      where: { conditions: [{ name: 'Gsid', alias: 'A', value: gsids.slice(i, i + 5000), operator: 'IN' }] },
      pageSize: 5000,
    };
    const pages = stream.read({ settings: gs.settings, secrets: gs.secrets, ctx: gs.ctx, cursor: null, options });
    for await (const page of pages) for (const r of page.records) if (typeof r.Gsid === 'string') found.add(r.Gsid);
  }
  return found;
}

async function writeRows(
  run: RunContext<ResponsesSettings>,
  gs: ResolvedConnection,
  rows: Array<{ responseId: unknown; row: SyncRecord }>,
) {
  const writer = gs.connector.writers.object_insert;
  if (!writer) throw new ConnectorError('config', `Connection "${gs.name}" has no object_insert writer`);
  const size = Math.min(WRITE_BATCH, writer.batchSize);
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size);
    const results = await writer.write({
      settings: gs.settings,
      secrets: gs.secrets,
      ctx: gs.ctx,
      records: batch.map((b) => b.row),
      options: { object: run.settings.targetObject },
    });
    results.forEach((result, n) => {
      if (result.ok) {
        run.count('written');
        return;
      }
      const { code, vendorCode, message } = result.error;
      run.count('failed', 1, `Gainsight refused the row (${vendorCode ?? code})`);
      run.note('refused', { responseId: batch[n]?.responseId, message });
    });
  }
}

/**
 * Qualtrics survey responses (export API: start, poll, file) → rows of a Gainsight survey object,
 * matched to companies by the GSID in the survey's embedded data. A GSID Gainsight does not know is
 * counted and listed, never created. The cursor holds the Qualtrics responses cursor of each survey
 * and is saved after every page is written.
 */
export const responsesToGainsight = definePipelineKind({
  kind: 'qualtrics.responses_to_gainsight',
  title: 'Qualtrics responses → Gainsight',
  description:
    'Survey responses (NPS score and group, comment, email) from Qualtrics exports into a Gainsight survey object, matched to companies by GSID.',
  group: 'Gainsight ↔ Qualtrics',
  connectorId: 'qualtrics',
  settings: responsesSettings,
  defaultSchedule: '0 * * * *',

  async validate({ settings, host, connectionOf }) {
    const issues: Issue[] = [];
    const at = (field: string, message: string) => issues.push({ path: `settings.${field}`, message });
    const target = (await host.connections.list()).find((c) => c.id === settings.gainsightConnectionId);
    if (!target) at('gainsightConnectionId', 'unknown connection');
    else if (target.connectorId !== 'gainsight')
      at('gainsightConnectionId', `a ${target.connectorId} connection, not Gainsight`);
    if (issues.length > 0) return issues;
    const gs = await connectionOf(settings.gainsightConnectionId);
    let fields: Map<string, { createable?: boolean | undefined }>;
    try {
      const [object] = await gs.connector.discover({
        settings: gs.settings,
        secrets: gs.secrets,
        ctx: gs.ctx,
        options: { objects: [settings.targetObject] },
      });
      fields = new Map((object?.fields ?? []).map((f) => [f.name, f]));
    } catch (error) {
      if (isConnectorError(error) && (error.code === 'not_found' || error.code === 'invalid_request')) {
        at('targetObject', `Gainsight has no object "${settings.targetObject}"`);
      }
      // Gainsight unreachable now: the run will say what is wrong; saving is not blocked.
      return issues;
    }
    for (const [key, name] of Object.entries(settings.fields)) {
      if (!name) continue;
      const field = fields.get(name);
      if (!field) at(`fields.${key}`, `${settings.targetObject} has no field ${name}`);
      else if (field.createable === false) at(`fields.${key}`, `${settings.targetObject}.${name} cannot be written`);
    }
    return issues;
  },

  async run(run) {
    const { settings, connection } = run;
    const stream = connection.connector.streams.responses;
    if (!stream) throw new ConnectorError('config', `Connection "${connection.name}" cannot export responses`);
    const gs = await run.connectionOf(settings.gainsightConnectionId);
    const cursors = (run.cursor ? JSON.parse(run.cursor) : {}) as Record<string, string | null>;
    const known = new Set<string>();
    for (const surveyId of settings.surveyIds) {
      const options = { surveyId, ...(settings.startDate ? { startDate: settings.startDate } : {}) };
      const pages = previewPages(
        run,
        stream.read({
          settings: connection.settings,
          secrets: connection.secrets,
          ctx: connection.ctx,
          cursor: cursors[surveyId] ?? null,
          options: { ...options, ...previewPageOption(run) },
        }),
      );
      for await (const page of pages) {
        run.count('read', page.records.length);
        const mapped = page.records.map((record) => ({ record, result: mapResponse(record, settings) }));
        const unknown = [
          ...new Set(mapped.flatMap((m) => (m.result.ok && !known.has(m.result.gsid) ? [m.result.gsid] : []))),
        ];
        for (const gsid of await existingCompanies(gs, unknown)) known.add(gsid);
        const rows: Array<{ responseId: unknown; row: SyncRecord }> = [];
        for (const { record, result } of mapped) {
          if (result.ok && known.has(result.gsid)) {
            rows.push({ responseId: record.responseId, row: result.row });
            run.dryRun?.sample(record, result.row);
            continue;
          }
          const reason = result.ok ? REASONS.unmatched : result.reason;
          run.count('skipped', 1, reason);
          run.dryRun?.sample(record, null, reason);
          if (reason === REASONS.unmatched || reason === REASONS.noGsid) {
            run.note('unmatched', { surveyId, responseId: record.responseId, gsid: result.gsid ?? null, reason });
          }
        }
        await writeRows(run, gs, rows);
        if (page.cursor !== null) cursors[surveyId] = page.cursor;
        await run.commit(JSON.stringify(cursors));
      }
    }
  },
});
