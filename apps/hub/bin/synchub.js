#!/usr/bin/env node
// The hub runs its TypeScript source through tsx (workspace packages export .ts; only the dashboard is built).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
