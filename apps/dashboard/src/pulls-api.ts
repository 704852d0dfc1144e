import { request } from './api.js';
import type {
  AccountDetail,
  AccountRow,
  CategoryCount,
  DiscoveredObject,
  Pipeline,
  PipelineInput,
  PipelineKindInfo,
  PullsCommonView,
  Run,
  RunAllAnswer,
} from './pulls-types.js';

// Pipelines, runs, Gainsight pulls and accounts: the calls the Gainsight and Accounts pages make.

const id = (value: string | number) => encodeURIComponent(String(value));

// Describe answers barely change while a page is open, and each one spends the vendor's budget: cache them.
const discovered = new Map<string, Promise<DiscoveredObject[]>>();

function discover(connectionId: string, objects?: string[]): Promise<DiscoveredObject[]> {
  const key = `${connectionId}\u0000${objects?.join(',') ?? ''}`;
  let answer = discovered.get(key);
  if (!answer) {
    answer = request<{ objects: DiscoveredObject[] }>(
      'POST',
      `/api/connections/${id(connectionId)}/discover`,
      objects ? { objects } : {},
    ).then((r) => r.objects);
    // A failure is not cached: the next picker that asks tries again.
    answer.catch(() => discovered.delete(key));
    discovered.set(key, answer);
  }
  return answer;
}

/** Counts by category, whatever shape the hub sends (`[{category, count}]` or `{ name: count }`). */
export function toCategoryCounts(value: unknown): CategoryCount[] {
  if (Array.isArray(value)) {
    return value.flatMap((item): CategoryCount[] => {
      if (typeof item === 'string') return [{ category: item, count: 0 }];
      if (item && typeof item === 'object') {
        const o = item as Record<string, unknown>;
        const name = o['category'] ?? o['name'] ?? o['value'];
        if (typeof name === 'string') return [{ category: name, count: Number(o['count'] ?? 0) || 0 }];
      }
      return [];
    });
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([category, count]) => ({
      category,
      count: Number(count) || 0,
    }));
  }
  return [];
}

export interface DiscoveredCategories {
  categories: CategoryCount[];
  sampled?: number;
  sampleSize?: number;
  /** What "Resample" asks for next (null: already the smallest sample). */
  nextSampleSize?: number | null;
}

export interface DiscoverOptions {
  sampleSize?: number | undefined;
  object?: string | undefined;
  categoryField?: string | undefined;
}

export const pullsApi = {
  kinds: () => request<{ kinds: PipelineKindInfo[]; schedules: Record<string, string> }>('GET', '/api/pipelines/kinds'),
  pipelines: (connectionId: string) =>
    request<{ pipelines: Pipeline[] }>('GET', `/api/pipelines?connectionId=${id(connectionId)}`).then(
      (r) => r.pipelines,
    ),
  createPipeline: (input: PipelineInput) =>
    request<{ pipeline: Pipeline }>('POST', '/api/pipelines', input).then((r) => r.pipeline),
  updatePipeline: (pipelineId: string, patch: Partial<Omit<PipelineInput, 'kind' | 'connectionId'>>) =>
    request<{ pipeline: Pipeline }>('PATCH', `/api/pipelines/${id(pipelineId)}`, patch).then((r) => r.pipeline),
  runPipeline: (pipelineId: string) =>
    request<{ runId: number }>('POST', `/api/pipelines/${id(pipelineId)}/run`).then((r) => r.runId),
  runAll: (connectionId: string) => request<RunAllAnswer>('POST', '/api/pipelines/run-all', { connectionId }),
  runs: (pipelineId: string, limit = 5) =>
    request<{ runs: Run[] }>('GET', `/api/pipelines/${id(pipelineId)}/runs?limit=${limit}`).then((r) => r.runs),

  /** All objects of a connection (no fields). */
  objects: (connectionId: string) => discover(connectionId),
  /** One object with its fields. */
  describe: (connectionId: string, object: string) =>
    discover(connectionId, [object]).then((list) => list.find((o) => o.name === object) ?? list[0]),

  common: (connectionId: string) => request<PullsCommonView>('GET', `/api/pulls/${id(connectionId)}/common`),
  saveCommon: (connectionId: string, common: { primaryConnectionId: string | null; gsidField?: string }) =>
    request<PullsCommonView>('PUT', `/api/pulls/${id(connectionId)}/common`, common),
  /** Samples the activity timeline (1000 rows, stepping down to 800 and 500 when slow); the hub allows 25 s. */
  discoverCategories: (connectionId: string, options: DiscoverOptions = {}) =>
    request<Record<string, unknown>>('POST', `/api/pulls/${id(connectionId)}/activity/discover-categories`, {
      ...(options.sampleSize ? { sampleSize: options.sampleSize } : {}),
      ...(options.object ? { object: options.object } : {}),
      ...(options.categoryField ? { categoryField: options.categoryField } : {}),
    }).then(
      (r): DiscoveredCategories => ({
        categories: toCategoryCounts(r['categories']),
        ...(typeof r['sampled'] === 'number' ? { sampled: r['sampled'] } : {}),
        ...(typeof r['sampleSize'] === 'number' ? { sampleSize: r['sampleSize'] } : {}),
        ...(typeof r['nextSampleSize'] === 'number' || r['nextSampleSize'] === null
          ? { nextSampleSize: r['nextSampleSize'] as number | null }
          : {}),
      }),
    ),
  detectSurveyFields: (connectionId: string, object: string) =>
    request<Record<string, unknown>>('POST', `/api/pulls/${id(connectionId)}/surveys/detect-fields`, { object }),

  accounts: (q: { q?: string; limit?: number; offset?: number } = {}) => {
    const params = new URLSearchParams();
    if (q.q) params.set('q', q.q);
    params.set('limit', String(q.limit ?? 100));
    if (q.offset) params.set('offset', String(q.offset));
    return request<{ accounts: AccountRow[]; total: number }>('GET', `/api/accounts?${params}`);
  },
  account: (accountId: string) => request<AccountDetail>('GET', `/api/accounts/${id(accountId)}`),
};
