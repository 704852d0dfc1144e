import { CONTRACT_VERSION, defineFlows } from '@synchub/core';
import { accountsKind } from './accounts.js';
import { activityKind } from './activity.js';
import { companyKind } from './company.js';
import { migrations } from './migrations.js';
import { createPullsService } from './service.js';
import { surveysKind } from './surveys.js';
import { usageKind } from './usage.js';

/**
 * Gainsight as a secondary CRM: the primary CRM's accounts sync (Salesforce) and the four Gainsight
 * pulls into the host's customer store (one pipeline each, own schedule and cursor), plus the Gainsight
 * wizard's routes (/api/pulls/…) and its Common settings (table `pull_common`).
 */
export default defineFlows({
  id: 'gainsight-pulls',
  name: 'Gainsight pulls',
  version: '0.1.0',
  contractVersion: CONTRACT_VERSION,
  description:
    'Canonical accounts from Salesforce, enriched with Gainsight companies, activities, survey responses and product usage.',
  kinds: [accountsKind, companyKind, activityKind, surveysKind, usageKind],
  mount: 'pulls',
  migrations,
  service: createPullsService,
  pages: [
    { id: 'gainsight', title: 'Gainsight' },
    { id: 'accounts', title: 'Accounts' },
  ],
});

export { CategoriesAnswer, CommonAnswer, CustomFieldsAnswer, SurveyFieldsAnswer } from './answers.js';
