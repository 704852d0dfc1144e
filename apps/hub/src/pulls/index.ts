import type { PipelineKind } from '../pipelines/kind.js';
import { accountsKind } from './accounts.js';
import { activityKind } from './activity.js';
import { companyKind } from './company.js';
import { surveysKind } from './surveys.js';
import { usageKind } from './usage.js';

/** The primary-CRM accounts sync and the four Gainsight pulls (one pipeline each, own schedule and cursor). */
export const PULL_KINDS = [
  accountsKind,
  companyKind,
  activityKind,
  surveysKind,
  usageKind,
] as unknown as PipelineKind[];
