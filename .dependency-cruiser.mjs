/**
 * The import rules `npm test` holds the sources to (docs/ARCHITECTURE.md#the-pieces), checked by
 * dependency-cruiser over engine/, durable-objects/ and worker/, type-only imports included:
 * `npx depcruise engine durable-objects worker --config .dependency-cruiser.mjs`.
 */
export default {
	forbidden: [
		{
			name: "no-cycles",
			severity: "error",
			comment:
				"Files that import each other, however far round, cannot be read or changed one at a time: split by concern, or pass the recursive function in.",
			from: {},
			to: { circular: true },
		},
		{
			name: "run-and-tenant-apart",
			severity: "error",
			comment:
				"The run and tenant objects reach each other only through durable-objects/stubs.ts and the types in engine/control.",
			from: { path: "^durable-objects/run/" },
			to: { path: "^durable-objects/tenant/" },
		},
		{
			name: "tenant-and-run-apart",
			severity: "error",
			comment:
				"The run and tenant objects reach each other only through durable-objects/stubs.ts and the types in engine/control.",
			from: { path: "^durable-objects/tenant/" },
			to: { path: "^durable-objects/run/" },
		},
		{
			name: "engine-is-pure",
			severity: "error",
			comment:
				"engine/ runs in plain Node and in workerd alike: no runtime, no HTTP framework, no database, nothing of the Worker or the objects.",
			from: { path: "^engine/" },
			to: {
				path: "^(worker|durable-objects|web|cli|bench)/|^cloudflare:|node_modules/(hono|@hono|drizzle-orm|@cloudflare|wrangler)/",
			},
		},
	],
	options: {
		tsPreCompilationDeps: true,
		tsConfig: { fileName: "tsconfig.json" },
		doNotFollow: { path: "node_modules" },
	},
};
