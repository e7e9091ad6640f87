// Types for the parts of process.mjs that TypeScript scripts (run with tsx) use.
export const wranglerBin: string;
