import { type DiscoveredField, type DiscoveredObject, isConnectorError, type ResolvedConnection } from '@synchub/core';
import { activityCursorField, categoryLookup } from './activity.js';
import { type ActivityType, DEFAULT_CATEGORY_MAP, type SurveyFieldMappings } from './settings.js';
import { text } from './values.js';
import { readRecords } from './vendor.js';

// ----- activity category discovery -----

/** Sample sizes tried in turn: the product document's 1000, then 800, then 500 on slow tenants. */
export const SAMPLE_SIZES = [1000, 800, 500] as const;
export const DISCOVERY_BUDGET_MS = 25_000;

export interface CategoryDiscovery {
  categories: Array<{ category: string; count: number; mapped: boolean; activityType: ActivityType | null }>;
  /** The sample size that answered, and how many rows it held. */
  sampleSize: number;
  sampled: number;
  attempts: Array<{ sampleSize: number; ms: number; outcome: 'ok' | 'slow' | 'failed'; error?: string }>;
  /** What a "Resample" click should ask for next (null: already at the smallest). */
  nextSampleSize: number | null;
}

/**
 * Samples the activity object to list the categories in use, with counts. The whole call has one
 * budget: each larger sample gets a quarter of it and steps down when it does not answer in time (or
 * fails transiently); the smallest gets whatever is left. A vendor refusal (bad field, auth) is thrown.
 */
export async function discoverCategories(
  connection: ResolvedConnection,
  options: {
    object: string;
    categoryField: string;
    categoryMap?: Record<string, ActivityType> | undefined;
    sampleSize?: number | undefined;
    budgetMs?: number | undefined;
  },
): Promise<CategoryDiscovery> {
  // Real elapsed time: the deadlines are real timers, whatever clock the hub runs on.
  const now = () => performance.now();
  const budget = options.budgetMs ?? DISCOVERY_BUDGET_MS;
  const sizes = SAMPLE_SIZES.filter((s) => s <= (options.sampleSize ?? SAMPLE_SIZES[0]));
  if (sizes.length === 0) sizes.push(SAMPLE_SIZES[SAMPLE_SIZES.length - 1] as (typeof SAMPLE_SIZES)[number]);
  const types = categoryLookup(options.categoryMap ?? DEFAULT_CATEGORY_MAP);
  const started = now();
  const attempts: CategoryDiscovery['attempts'] = [];
  let lastError: unknown;
  for (const [i, size] of sizes.entries()) {
    const last = i === sizes.length - 1;
    const left = budget - (now() - started);
    if (left <= 0) break;
    const timeout = Math.max(1, Math.floor(last ? left : Math.min(left, budget / 4)));
    const deadline = AbortSignal.timeout(timeout);
    const signal = connection.ctx.signal ? AbortSignal.any([connection.ctx.signal, deadline]) : deadline;
    const t0 = now();
    try {
      const sample = { ...connection, ctx: { ...connection.ctx, signal } };
      const counts = new Map<string, number>();
      let sampled = 0;
      const cursorField = activityCursorField(options.object);
      const read = { object: options.object, select: ['Gsid', cursorField, options.categoryField], cursorField };
      // One page of `size` rows is the sample.
      for await (const page of readRecords(sample, { ...read, pageSize: size }, null)) {
        for (const record of page.records) {
          sampled++;
          const category = text(record[options.categoryField])?.trim();
          if (category) counts.set(category, (counts.get(category) ?? 0) + 1);
        }
        break;
      }
      attempts.push({ sampleSize: size, ms: Math.round(now() - t0), outcome: 'ok' });
      const categories = [...counts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([category, count]) => {
          const activityType = types.get(category.toLowerCase()) ?? null;
          return { category, count, mapped: activityType !== null, activityType };
        });
      const next = SAMPLE_SIZES.find((s) => s < size) ?? null;
      return { categories, sampleSize: size, sampled, attempts, nextSampleSize: next };
    } catch (error) {
      const slow = deadline.aborted;
      const transient = isConnectorError(error) && error.code === 'transient';
      if (!slow && !transient) throw error;
      lastError = error;
      attempts.push({
        sampleSize: size,
        ms: Math.round(now() - t0),
        outcome: slow ? 'slow' : 'failed',
        error: (error as Error).message,
      });
    }
  }
  const tried = attempts.map((a) => a.sampleSize).join(', ');
  throw Object.assign(
    new Error(`Gainsight did not answer a category sample in ${Math.round(budget / 1000)} s (tried ${tried} rows)`),
    { attempts, cause: lastError },
  );
}

// ----- survey field auto-detection -----

type Rule = { patterns: RegExp[]; types?: DiscoveredField['type'][] };

/** Standard Gainsight survey schema first, then looser names. */
const SURVEY_RULES: Record<keyof SurveyFieldMappings, Rule> = {
  score: { patterns: [/^NPSScore$/i, /nps.?score/i, /^score/i, /(csat|rating|score)/i], types: ['number', 'integer'] },
  npsGroup: { patterns: [/^NPSCategory$/i, /nps.?(category|group)/i, /(promoter|category|group)/i] },
  text: { patterns: [/^Comment$/i, /comment/i, /(feedback|answer|response.?text)/i] },
  respondedAt: {
    patterns: [/^ResponseDate$/i, /respon(se|ded).?date/i, /(submitted|completed|answered)/i, /^CreatedDate$/i],
    types: ['date', 'datetime'],
  },
  company: { patterns: [/^GsCompanyId$/i, /company.?id/i] },
  surveyType: { patterns: [/^SurveyType$/i, /survey.?type/i] },
  surveyId: { patterns: [/^SurveyId$/i, /^survey(_?id)?$/i] },
  email: { patterns: [/^Email$/i, /email/i], types: ['email', 'string'] },
};

export interface SurveyFieldDetection {
  object: string;
  fieldMappings: SurveyFieldMappings;
  /** Mapping keys nothing on the object looked like. */
  missing: string[];
  fields: Array<{ name: string; label?: string | undefined; type: string }>;
}

/** Proposes response field → Gainsight field mappings from an object's describe. */
export function detectSurveyFields(object: DiscoveredObject): SurveyFieldDetection {
  const fields = object.fields ?? [];
  const mappings: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, rule] of Object.entries(SURVEY_RULES)) {
    const candidates = fields.filter((f) => !rule.types || rule.types.includes(f.type));
    let found: DiscoveredField | undefined;
    for (const pattern of rule.patterns) {
      found = candidates.find((f) => pattern.test(f.name) && !Object.values(mappings).includes(f.name));
      if (found) break;
    }
    if (found) mappings[key] = found.name;
    else missing.push(key);
  }
  return {
    object: object.name,
    fieldMappings: mappings as SurveyFieldMappings,
    missing,
    fields: fields.map((f) => ({ name: f.name, label: f.label, type: f.type })),
  };
}
