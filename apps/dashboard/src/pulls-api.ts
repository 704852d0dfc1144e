import { request } from './api.js';
import { type Answer, type Body, call } from './api-client.js';
import type {
  AccountDetail,
  AccountRow,
  DiscoveredObject,
  Pipeline,
  PipelineInput,
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

/** What "Discover categories" found: the categories with counts, the sample, what "Resample" asks for next. */
export type DiscoveredCategories = Answer<'/api/pulls/{connectionId}/activity/discover-categories', 'post'>;

type DiscoverBody = NonNullable<Body<'/api/pulls/{connectionId}/activity/discover-categories', 'post'>>;
export interface DiscoverOptions {
  /** One of 1000, 800, 500 (what the last answer's `nextSampleSize` says); the hub refuses others. */
  sampleSize?: number | undefined;
  object?: string | undefined;
  categoryField?: string | undefined;
}

export const pullsApi = {
  kinds: () => call('get', '/api/pipelines/kinds'),
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

  common: (connectionId: string) => call('get', '/api/pulls/{connectionId}/common', { params: { connectionId } }),
  saveCommon: (connectionId: string, common: Body<'/api/pulls/{connectionId}/common', 'put'>) =>
    call('put', '/api/pulls/{connectionId}/common', { params: { connectionId }, body: common }),
  /** Samples the activity timeline (1000 rows, stepping down to 800 and 500 when slow); the hub allows 25 s. */
  discoverCategories: (connectionId: string, options: DiscoverOptions = {}) =>
    call('post', '/api/pulls/{connectionId}/activity/discover-categories', {
      params: { connectionId },
      body: {
        ...(options.sampleSize ? { sampleSize: options.sampleSize as DiscoverBody['sampleSize'] } : {}),
        ...(options.object ? { object: options.object } : {}),
        ...(options.categoryField ? { categoryField: options.categoryField } : {}),
      },
    }),
  /** Field mappings detected from a survey object's fields. */
  detectSurveyFields: (connectionId: string, object: string) =>
    call('post', '/api/pulls/{connectionId}/surveys/detect-fields', { params: { connectionId }, body: { object } }),

  accounts: (q: { q?: string; limit?: number; offset?: number } = {}) => {
    const params = new URLSearchParams();
    if (q.q) params.set('q', q.q);
    params.set('limit', String(q.limit ?? 100));
    if (q.offset) params.set('offset', String(q.offset));
    return request<{ accounts: AccountRow[]; total: number }>('GET', `/api/accounts?${params}`);
  },
  account: (accountId: string): Promise<AccountDetail> =>
    call('get', '/api/accounts/{id}', { params: { id: accountId } }),
};
