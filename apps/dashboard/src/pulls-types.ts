// Shapes of the hub's pipelines, runs, Gainsight pulls and accounts API, as the dashboard reads them: named
// from the types generated from the hub's /api/openapi.json. What is written out here is the dashboard's own.
import type { Answer, Schemas } from './api-client.js';

export type RunStatus = Schemas['RunStatus'];
/** What a run (or a preview) read, wrote, skipped and failed; `reasons` says why records were skipped or failed. */
export type RunCounts = Schemas['RunCounts'];
export type RunError = Schemas['RunError'];
/** A run of a pipeline (`startedAt`/`finishedAt` epoch ms). */
export type Run = Schemas['Run'];

/** A pipeline with its last run; `settings` are its kind's (see `PipelineSettings` in the document). */
export type Pipeline = Omit<Schemas['Pipeline'], 'settings'> & { settings: Record<string, unknown> };

/** What the dashboard's pipeline forms send (the API's create body, every field set). */
export interface PipelineInput {
  kind: string;
  name: string;
  connectionId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  schedule: string;
}

export type PipelineKindInfo = Schemas['PipelineKindInfo'];
/** `GET /api/pipelines/kinds`: the kinds and the schedule presets (label → cron). */
export type PipelineKinds = Schemas['PipelineKinds'];
export type RunAllAnswer = Schemas['RunAllAnswer'];

/**
 * `GET /api/pulls/:id/common` (the gainsight-pulls plugin's service): the settings, the primary CRM they
 * resolve to, and whether pulls may run. Typed from the plugin's answer schema through the hub's document.
 */
export type PullsCommonView = Answer<'/api/pulls/{connectionId}/common', 'get'>;
/** Cross-object settings of one Gainsight connection's pulls. */
export type PullsCommon = PullsCommonView['common'];

/** A category of a discovery sample (`POST /api/pulls/:id/activity/discover-categories`). */
export type CategoryCount = Answer<
  '/api/pulls/{connectionId}/activity/discover-categories',
  'post'
>['categories'][number];

export interface DiscoveredField {
  name: string;
  label?: string;
  type: string;
}

export interface DiscoveredObject {
  name: string;
  label?: string;
  kind?: string;
  fields?: DiscoveredField[];
}

export type AccountView = Schemas['AccountView'];
/** The CS platform's company record linked to an account (Gainsight). */
export type GainsightCompany = Schemas['CsCompany'];
export type AccountRow = Schemas['AccountRow'];
export type Activity = Schemas['Activity'];
export type SurveyResponse = Schemas['SurveyResponse'];
export type UsageMetric = Schemas['UsageMetric'];
export type AccountDetail = Schemas['AccountDetail'];

/** One record of a preview (dry run): as read, and as it would be written (null: it would be skipped). */
export type PreviewRecord = Schemas['PreviewRecord'];
/** A vendor request a run would send, as the preview recorded it (secrets in headers masked as ••••). */
export type PlannedRequest = Schemas['PlannedRequest'];
/** `POST /api/pipelines/preview` and `/api/pipelines/:id/preview`: nothing is written, no cursor moves. */
export type Preview = Schemas['Preview'];

export type RecordStatus = Schemas['RecordStatus'];
/** One record's outcome in a run (`GET /api/runs/:id/records`). */
export type RunRecord = Schemas['RunRecord'];
