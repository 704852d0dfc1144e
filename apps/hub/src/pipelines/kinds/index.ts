import type { PipelineKind } from '../kind.js';
import { syncKind } from '../sync/index.js';

/**
 * The host's own pipeline kinds: the generic, vendor-neutral sync. Every other kind comes from plugins
 * through the registry (`host/plugins.ts`); on a clash these win.
 */
export const PIPELINE_KINDS: PipelineKind[] = [syncKind];
