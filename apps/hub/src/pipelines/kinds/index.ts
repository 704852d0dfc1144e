import { BRIDGE_KINDS } from '../../bridge/index.js';
import type { PipelineKind } from '../kind.js';
import { PULL_KINDS } from '../../pulls/index.js';
import { responsesToGainsight } from '../../qualtrics/responses-kind.js';
import { syncKind } from '../sync/index.js';

/**
 * Every pipeline kind the hub knows. A flow adds its kinds here (one import and one entry each);
 * the scheduler, the API and the dashboard pick them up from this list.
 */
export const PIPELINE_KINDS: PipelineKind[] = [...BRIDGE_KINDS, responsesToGainsight, ...PULL_KINDS, syncKind];
