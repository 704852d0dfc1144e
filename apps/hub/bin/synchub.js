#!/usr/bin/env node
// The hub runs compiled: `pnpm build` (turbo: every package, then this one) writes dist/. For the TypeScript
// source without a build, run `pnpm dev` at the root (node --conditions=@synchub/source --import tsx).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    `synchub: ${cli.pathname} does not exist: the hub is not built. Run \`npx --yes pnpm@10 build\` ` +
      '(or `npx --yes pnpm@10 start`, which builds first).\n',
  );
  process.exit(1);
}
// V8's young generation grows while the CLI's modules load; cli.ts then holds it at that size until the hub
// listens (see there).
await import(cli.href);
