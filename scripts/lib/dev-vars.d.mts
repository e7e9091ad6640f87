// Types for dev-vars.mjs, so TypeScript scripts (run with tsx) can use it.
export function devVarsPath(): string;
export function parseDevVars(text: string): Record<string, string>;
export function ensureDevVars(path?: string): {
	path: string;
	vars: Record<string, string>;
	created: boolean;
	added: string[];
};
