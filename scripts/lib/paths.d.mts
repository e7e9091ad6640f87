// Types for paths.mjs, so TypeScript scripts (run with tsx) can use it.
export const repoRoot: string;
