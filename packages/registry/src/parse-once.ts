/**
 * The parse options for a schema that checks one value once (a plugin's definition or package.json key at
 * load). zod compiles an object schema into a specialised parser at its first parse (~1–5 ms each), which pays
 * off only for schemas parsed again and again; at load it was most of the registry's CPU time.
 */
export const PARSE_ONCE = { jitless: true } as const;
