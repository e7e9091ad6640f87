/**
 * What a push of a folder would do, workflow by workflow, against what the server holds:
 * new, changed (with the JSON changes), unchanged, or present on the server only. "Changed"
 * is decided as the server decides whether a write stores a version: the definitions as
 * parsed (defaults applied), compared in canonical form, so key order and spelled-out
 * defaults are no change.
 */
import canonicalize from "canonicalize";
import diff from "microdiff";
import type { StepLine } from "../../clients/typescript/src";
import { toPointer, type WorkflowDefinition } from "../../engine/definition";
import type { JsonSource } from "./json-source";

export interface JsonChange {
	op: "add" | "remove" | "replace";
	/** RFC 6901 pointer into the definition. */
	pointer: string;
	/** The server's value (remove, replace). */
	from?: unknown;
	/** The folder's value (add, replace). */
	to?: unknown;
}

export interface LocalWorkflow {
	file: string;
	definition: WorkflowDefinition;
	/** The file's JSON as written: what a push sends. */
	value: unknown;
	/** For placing the server's pointers in the file. */
	source: JsonSource;
}

export type WorkflowPlan =
	| { kind: "new"; identifier: string; local: LocalWorkflow }
	| {
			kind: "changed";
			identifier: string;
			local: LocalWorkflow;
			version: number;
			changes: JsonChange[];
	  }
	| { kind: "unchanged"; identifier: string; local: LocalWorkflow; version: number }
	| { kind: "server_only"; identifier: string; version: number };

export async function planFolder(
	client: StepLine,
	locals: LocalWorkflow[],
): Promise<WorkflowPlan[]> {
	const onServer = new Map<string, number>();
	for await (const summary of client.all.workflows({ limit: 100 }))
		onServer.set(summary.identifier, summary.version);
	const plans: WorkflowPlan[] = [];
	for (const local of locals) {
		const { identifier } = local.definition;
		if (!onServer.has(identifier)) {
			plans.push({ kind: "new", identifier, local });
			continue;
		}
		const current = await client.getWorkflow({ params: { path: { identifier } } });
		const changes = jsonChanges(current.definition, local.definition);
		plans.push(
			changes.length === 0
				? { kind: "unchanged", identifier, local, version: current.version }
				: { kind: "changed", identifier, local, version: current.version, changes },
		);
	}
	const inFolder = new Set(locals.map((l) => l.definition.identifier));
	for (const [identifier, version] of [...onServer].sort(([a], [b]) => a.localeCompare(b))) {
		if (!inFolder.has(identifier)) plans.push({ kind: "server_only", identifier, version });
	}
	return plans;
}

/** The changes that turn the server's definition into the folder's, by JSON pointer. */
export function jsonChanges(server: unknown, local: unknown): JsonChange[] {
	if (canonicalize(server) === canonicalize(local)) return [];
	if (!isContainer(server) || !isContainer(local))
		return [{ op: "replace", pointer: "", from: server, to: local }];
	return diff(server, local).map((d) => {
		const pointer = toPointer(d.path);
		switch (d.type) {
			case "CREATE":
				return { op: "add", pointer, to: d.value };
			case "REMOVE":
				return { op: "remove", pointer, from: d.oldValue };
			case "CHANGE":
				return { op: "replace", pointer, from: d.oldValue, to: d.value };
			default: {
				const _exhaustive: never = d;
				return _exhaustive;
			}
		}
	});
}

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] =>
	typeof v === "object" && v !== null;
