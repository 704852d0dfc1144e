import { CONTRACT_VERSION, defineFlows } from '@synchub/core';
import { gainsightToSalesforce } from './gainsight-to-salesforce.js';
import { pendoToGainsightUsage } from './pendo-to-gainsight.js';
import { pendoToSalesforce } from './pendo-to-salesforce.js';
import { salesforceToGainsightUsage } from './salesforce-to-gainsight.js';
import { salesforceToPendo } from './salesforce-to-pendo.js';

/** The bridge's legs, each its own schedulable, re-runnable pipeline kind. */
export default defineFlows({
  id: 'pendo-bridge',
  name: 'Pendo ↔ Salesforce ↔ Gainsight bridge',
  version: '0.1.0',
  contractVersion: CONTRACT_VERSION,
  description:
    'Pendo account usage into Salesforce and Gainsight usage objects, Gainsight company fields into Salesforce, and Salesforce Account fields into Pendo custom metadata.',
  kinds: [
    pendoToSalesforce,
    salesforceToGainsightUsage,
    gainsightToSalesforce,
    salesforceToPendo,
    pendoToGainsightUsage,
  ],
});
