#!/usr/bin/env node
// The hub runs compiled: `pnpm build` (turbo: every package, then this one) writes dist/. For the TypeScript
// source without a build, run `pnpm dev` at the root (node --conditions=@synchub/source --import tsx).
import { existsSync } from 'node:fs';
import v8 from 'node:v8';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    `synchub: ${cli.pathname} does not exist: the hub is not built. Run \`npx --yes pnpm@10 build\` ` +
      '(or `npx --yes pnpm@10 start`, which builds first).\n',
  );
  process.exit(1);
}
// Start-up allocates mostly what lives as long as the process (module code, schemas). Left alone, V8 grows
// its young generation to 16 MB meanwhile, pages an idle hub keeps (~10 MB of RSS) and never needs: keep it
// at its initial size until the hub listens; `synchub start` then restores the default growth (cli.ts).
v8.setFlagsFromString('--semi-space-growth-factor=1');
await import(cli.href);
