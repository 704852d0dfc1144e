import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from './api-types.js';

describe('the dashboard API types', () => {
  it('match /api/openapi.json (regenerate: pnpm --filter @synchub/hub api-types)', async () => {
    const fresh = await renderApiTypes();
    if (process.env.SYNCHUB_UPDATE_API_TYPES) fs.writeFileSync(API_TYPES_FILE, fresh);
    const committed = fs.existsSync(API_TYPES_FILE) ? fs.readFileSync(API_TYPES_FILE, 'utf8') : '';
    expect(committed === fresh, 'apps/dashboard/src/api-schema.gen.ts is stale').toBe(true);
  }, 30_000);
});
