import type { JsonValue } from "../schema/json";
import type { WorkflowDefinition, WorkflowNode } from "../types";

/**
 * One string in a definition that engine/expr will evaluate at run time.
 * - "template": only its `{{ … }}` parts are JQ (config values, variables, outputs);
 * - "expression": the whole string is one JQ expression, bare or as a single
 *   `{{ … }}` (runIf, forEach, CONDITION options, EVENT_TRIGGER conditions).
 */
export type TemplateSite = {
	path: Array<string | number>;
	text: string;
	kind: "template" | "expression";
	/** What the string may read; decides which `.outputs.X` and `.response` are valid. */
	scope: SiteScope;
};

export type SiteScope =
	/**
	 * Evaluated for a node: `.outputs.X` only for X upstream; `.response` only in variables and
	 * retry.until;
	 * `.secrets.NAME` only in a request that leaves Stepline (a WEBHOOK node's url, headers,
	 * query and body), where it is never stored (docs/ARCHITECTURE.md#secrets). `.callback.url`
	 * only in the request of an async WEBHOOK (docs/ARCHITECTURE.md#waiting-on-the-outside).
	 */
	| { kind: "node"; node: string; response: boolean; request?: true; callback?: true }
	/** Workflow `outputs`: evaluated when the run ends, so any node may be read. */
	| { kind: "workflow" }
	/**
	 * EVENT_TRIGGER conditions run over the posted event, and a WEBHOOK_TRIGGER's filter, mapping
	 * and dedupeKey over the delivery, not over the run context: syntax only.
	 */
	| { kind: "event" };

/** Every evaluated string of a parsed definition, in definition order. */
export function templateSites(def: WorkflowDefinition): TemplateSite[] {
	const sites: TemplateSite[] = [];
	for (const [i, node] of def.nodes.entries()) sites.push(...nodeSites(node, ["nodes", i]));
	if (def.outputs) {
		sites.push(...jsonSites(def.outputs, ["outputs"], { kind: "workflow" }));
	}
	return sites;
}

/** Every evaluated string of one node; `base` is the node's path in the definition. */
export function nodeSites(node: WorkflowNode, base: Array<string | number>): TemplateSite[] {
	const scope: SiteScope = { kind: "node", node: node.identifier, response: false };
	const sites: TemplateSite[] = [];
	const expression = (path: Array<string | number>, text: string) =>
		sites.push({ path, text, kind: "expression", scope });
	const config = node.config;
	const at = (...rest: Array<string | number>) => [...base, "config", ...rest];
	switch (config.type) {
		case "WEBHOOK_TRIGGER":
			for (const field of ["filter", "mapping", "dedupeKey"] as const) {
				const text = config[field];
				if (text !== undefined)
					sites.push({ path: at(field), text, kind: "expression", scope: { kind: "event" } });
			}
			break;
		case "SELF_SERVE_TRIGGER":
		case "SCHEDULE_TRIGGER":
			// Forms and fixed inputs are data, not templates.
			break;
		case "INPUT":
			// The form is data; the title and description an approver reads are rendered when the
			// request opens, so they can say what is being approved.
			for (const field of ["title", "description"] as const) {
				const text = node[field];
				if (text !== undefined)
					sites.push({ path: [...base, field], text, kind: "template", scope });
			}
			break;
		case "EVENT_TRIGGER":
			for (const [j, text] of (config.condition?.expressions ?? []).entries()) {
				const path = at("condition", "expressions", j);
				sites.push({ path, text, kind: "expression", scope: { kind: "event" } });
			}
			break;
		case "WEBHOOK": {
			const request: SiteScope = {
				...scope,
				request: true,
				...(config.synchronized ? {} : { callback: true as const }),
			};
			sites.push({ path: at("url"), text: config.url, kind: "template", scope: request });
			for (const field of ["headers", "query"] as const) {
				for (const [name, value] of Object.entries(config[field] ?? {})) {
					sites.push({ path: at(field, name), text: value, kind: "template", scope: request });
				}
			}
			if (config.body !== undefined) sites.push(...jsonSites(config.body, at("body"), request));
			break;
		}
		case "CONDITION":
			for (const [j, option] of config.options.entries()) {
				expression(at("options", j, "expression"), option.expression);
			}
			break;
		case "DELAY":
			if (config.until !== undefined) {
				sites.push({ path: at("until"), text: config.until, kind: "template", scope });
			}
			break;
		case "RUN_WORKFLOW":
			if (config.inputs) sites.push(...jsonSites(config.inputs, at("inputs"), scope));
			break;
	}
	if (node.runIf !== undefined) expression([...base, "runIf"], node.runIf);
	if (typeof node.forEach === "string") expression([...base, "forEach"], node.forEach);
	else if (node.forEach) expression([...base, "forEach", "items"], node.forEach.items);
	// Variables map the raw result after the node ran, and retry.until judges it: the places
	// `.response` exists.
	const answered: SiteScope = { kind: "node", node: node.identifier, response: true };
	if (node.retry?.until !== undefined) {
		sites.push({
			path: [...base, "retry", "until"],
			text: node.retry.until,
			kind: "expression",
			scope: answered,
		});
	}
	if (node.variables) sites.push(...jsonSites(node.variables, [...base, "variables"], answered));
	return sites;
}

/** String leaves of a JSON value, iteratively (depth is capped by the schema, but stay safe). */
function jsonSites(
	value: JsonValue | Record<string, JsonValue>,
	base: Array<string | number>,
	scope: SiteScope,
): TemplateSite[] {
	const sites: TemplateSite[] = [];
	const stack: Array<{ value: JsonValue; path: Array<string | number> }> = [
		{ value: value as JsonValue, path: base },
	];
	while (stack.length > 0) {
		const top = stack.pop();
		if (top === undefined) break;
		const v = top.value;
		if (typeof v === "string") {
			if (v.includes("{{")) sites.push({ path: top.path, text: v, kind: "template", scope });
		} else if (Array.isArray(v)) {
			for (let j = v.length - 1; j >= 0; j--) {
				stack.push({ value: v[j] as JsonValue, path: [...top.path, j] });
			}
		} else if (v !== null && typeof v === "object") {
			const entries = Object.entries(v);
			for (let j = entries.length - 1; j >= 0; j--) {
				const [key, child] = entries[j] as [string, JsonValue];
				stack.push({ value: child, path: [...top.path, key] });
			}
		}
	}
	return sites;
}
