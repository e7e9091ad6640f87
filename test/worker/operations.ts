import { call } from "./helpers";

/** One operation of the live OpenAPI document. */
export interface Operation {
	method: string;
	/** The path template, e.g. /v1/workflows/{identifier}. */
	path: string;
	operationId: string;
	hasBody: boolean;
	security: Record<string, string[]>[];
}

/** Every operation the API documents, read from its own /openapi.json. */
export async function documentedOperations(): Promise<Operation[]> {
	const doc = (await call("/openapi.json", { token: null })).body;
	return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
		([path, operations]) =>
			Object.entries(operations).map(([method, operation]) => ({
				method: method.toUpperCase(),
				path,
				operationId: operation.operationId,
				hasBody: operation.requestBody !== undefined,
				security: operation.security ?? [],
			})),
	);
}

/** Well-formed values for each path parameter (they need not name anything that exists). */
const SAMPLE_PARAMS: Record<string, string> = {
	identifier: "some_workflow",
	runId: `run_${"0".repeat(32)}`,
	version: "1",
	name: "SOME_SECRET",
	node: "some_node",
	hookId: "AAAAAAAAAAAAAAAAAAAAAA",
	keyId: `key_${"0".repeat(24)}`,
	token: `bm8.${"A".repeat(43)}`,
};

/** The operation's path with every parameter filled in, plus `query` when given. */
export function samplePath(operation: Operation, query = ""): string {
	const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		const value = SAMPLE_PARAMS[name];
		if (value === undefined) throw new Error(`no sample value for path parameter ${name}`);
		return value;
	});
	return query ? `${path}?${query}` : path;
}
