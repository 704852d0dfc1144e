import type { PipelineKind } from '../pipelines/kind.js';
import { gainsightToSalesforce } from './gainsight-to-salesforce.js';
import { pendoToGainsightUsage } from './pendo-to-gainsight.js';
import { pendoToSalesforce } from './pendo-to-salesforce.js';
import { salesforceToGainsightUsage } from './salesforce-to-gainsight.js';
import { salesforceToPendo } from './salesforce-to-pendo.js';

/** The bridge's legs, each its own schedulable, re-runnable pipeline kind. */
export const BRIDGE_KINDS: PipelineKind[] = [
  pendoToSalesforce,
  salesforceToGainsightUsage,
  gainsightToSalesforce,
  salesforceToPendo,
  pendoToGainsightUsage,
];
