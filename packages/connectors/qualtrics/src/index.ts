import { CONTRACT_VERSION, type DiscoveredField, defineConnector, MINUTE } from '@synchub/core';
import { createQualtricsClient } from './client.js';
import { limitKey, locationOf, secretsSchema, settingsSchema } from './settings.js';
import { streams } from './streams.js';
import { writers } from './writers.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Response export columns of one survey, from its definition (`GET /surveys/{id}`). */
function responseFields(definition: Record<string, unknown>): DiscoveredField[] {
  const fields: DiscoveredField[] = [
    { name: 'responseId', label: 'Response ID', type: 'id' },
    { name: 'recordedDate', label: 'Recorded date', type: 'datetime' },
    { name: 'startDate', label: 'Start date', type: 'datetime' },
    { name: 'endDate', label: 'End date', type: 'datetime' },
    { name: 'finished', label: 'Finished', type: 'boolean', vendorType: '0/1' },
    { name: 'progress', label: 'Progress (%)', type: 'integer' },
    { name: 'duration', label: 'Duration (seconds)', type: 'integer' },
  ];
  const questions = isObject(definition.questions) ? definition.questions : {};
  for (const [qid, question] of Object.entries(questions)) {
    const q = isObject(question) ? question : {};
    const kind = isObject(q.questionType) ? q.questionType : {};
    const label = typeof q.questionText === 'string' ? q.questionText : qid;
    const vendorType = [kind.type, kind.selector].filter((x) => typeof x === 'string').join('/');
    if (kind.selector === 'NPS') {
      fields.push({ name: qid, label, type: 'integer', vendorType });
      fields.push({
        name: `${qid}_NPS_GROUP`,
        label: `${label} (NPS group: 1 detractor, 2 passive, 3 promoter)`,
        type: 'integer',
        vendorType,
      });
    } else if (kind.type === 'TE') {
      fields.push({ name: `${qid}_TEXT`, label, type: 'string', vendorType });
    } else {
      fields.push({ name: qid, label, type: 'integer', vendorType });
    }
  }
  const embedded = Array.isArray(definition.embeddedData) ? definition.embeddedData : [];
  for (const entry of embedded) {
    if (isObject(entry) && typeof entry.name === 'string') {
      fields.push({ name: entry.name, label: `${entry.name} (embedded data)`, type: 'string', custom: true });
    }
  }
  return fields.map((f) => ({ ...f, updateable: false, createable: false }));
}

const qualtrics = defineConnector({
  id: 'qualtrics',
  name: 'Qualtrics',
  version: '0.1.0',
  contractVersion: CONTRACT_VERSION,
  description: 'Qualtrics workflow triggers (JSON events) and survey responses (REST v3 exports).',
  settings: settingsSchema,
  secrets: secretsSchema,

  async check({ settings, secrets, ctx }) {
    const surveys = await createQualtricsClient(settings, secrets, ctx).listSurveys();
    return {
      summary: `Connected to Qualtrics (${locationOf(settings)}): ${surveys.length} surveys`,
      details: {
        surveys: surveys.length,
        active: surveys.filter((s) => s.isActive).length,
        triggerConfigured: Boolean(settings.triggerUrl),
      },
    };
  },

  // Surveys are the objects; their response columns are read only when asked for by id.
  async discover({ settings, secrets, ctx, options }) {
    const client = createQualtricsClient(settings, secrets, ctx);
    if (options?.objects) {
      const objects = [];
      for (const id of options.objects) {
        const definition = await client.getSurvey(id);
        objects.push({
          name: id,
          label: typeof definition.name === 'string' ? definition.name : id,
          kind: 'SURVEY',
          fields: responseFields(definition),
        });
      }
      return objects;
    }
    const surveys = await client.listSurveys();
    return surveys.map((s) => ({ name: s.id, label: s.name, kind: 'SURVEY' }));
  },

  streams,
  writers,

  // 3,000 calls per minute per brand, triggers and REST alike.
  rateLimit: {
    buckets: { api: [{ limit: 3000, windowMs: MINUTE, label: 'minute' }] },
    defaultBucket: 'api',
    key: limitKey,
  },
});

export default qualtrics;
export {
  createQualtricsClient,
  MAX_EVENT_BYTES,
  type QualtricsClient,
  type QualtricsExportedResponse,
  type QualtricsExportStatus,
  type QualtricsSurveySummary,
  type QualtricsTriggerResult,
} from './client.js';
export {
  apiBaseOf,
  limitKey,
  type QualtricsSecrets,
  type QualtricsSettings,
  secretsSchema,
  settingsSchema,
  triggerUrlOf,
} from './settings.js';
export { type ResponsesOptions, responsesOptionsSchema } from './streams.js';
export { type TriggerOptions, triggerOptionsSchema } from './writers.js';
