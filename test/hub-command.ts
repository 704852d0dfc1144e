import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hubDir = path.join(repo, 'apps/hub');

/**
 * `node` arguments that run the hub's CLI from its TypeScript source, as `pnpm dev` does: tsx for the .ts
 * files and the `@synchub/source` condition for workspace packages, so tests need no build. tsx is given by
 * path because the child's working folder may be anywhere.
 */
export function hubSourceArgs(...args: string[]): string[] {
  const tsx = pathToFileURL(createRequire(path.join(hubDir, 'package.json')).resolve('tsx')).href;
  return ['--conditions=@synchub/source', `--import=${tsx}`, path.join(hubDir, 'src/cli.ts'), ...args];
}
