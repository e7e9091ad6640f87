import { isTriggerType } from "./constants";
import { findCycles, graphOf } from "./graph";
import { issue } from "./issues";
import { checkNodes } from "./node-checks";
import { checkTemplates } from "./templates/check";
import { exprStatic } from "./templates/expr";
import type { Connection, DefinitionIssue, WorkflowDefinition, WorkflowNode } from "./types";

/**
 * Save-time checks on a definition whose shape already parsed: identifiers,
 * connection endpoints and kinds, triggers, cycles. Every issue points at the
 * field to change, and then the templates (syntax, upstream reads).
 */
export function checkDefinition(def: WorkflowDefinition): DefinitionIssue[] {
	const issues = [...checkNodes(def), ...checkConnections(def), ...checkTemplates(def, exprStatic)];
	const graph = graphOf(def);
	if (graph.triggers.length === 0) {
		issues.push(
			issue(
				["nodes"],
				"no_trigger",
				"a workflow needs at least one trigger node (SELF_SERVE_TRIGGER, WEBHOOK_TRIGGER, SCHEDULE_TRIGGER or EVENT_TRIGGER)",
			),
		);
	}
	for (const { edge, path } of findCycles(def)) {
		issues.push(
			issue(
				["connections", edge.index, "targetIdentifier"],
				"cycle",
				`connection "${edge.connection.identifier}" closes a cycle: ${path.join(" → ")}`,
			),
		);
	}
	return issues;
}

type ConnectionKind = "option" | "fallback" | "onError" | "plain";

function kindsOf(c: Connection): ConnectionKind[] {
	const kinds: ConnectionKind[] = [];
	if (c.sourceOptionIdentifier !== undefined) kinds.push("option");
	if (c.fallback === true) kinds.push("fallback");
	if (c.onError === true) kinds.push("onError");
	return kinds.length === 0 ? ["plain"] : kinds;
}

function checkConnections(def: WorkflowDefinition): DefinitionIssue[] {
	const issues: DefinitionIssue[] = [];
	const nodes = new Map<string, WorkflowNode>();
	for (const node of def.nodes) if (!nodes.has(node.identifier)) nodes.set(node.identifier, node);
	const ids = new Map<string, number>();
	const fallbacks = new Map<string, number>();
	const edges = new Map<string, number>();
	for (const [k, c] of def.connections.entries()) {
		const at = (field: string) => ["connections", k, field];
		const firstId = ids.get(c.identifier);
		if (firstId === undefined) ids.set(c.identifier, k);
		else {
			issues.push(
				issue(
					at("identifier"),
					"duplicate_connection_identifier",
					`connection identifier "${c.identifier}" is already used by /connections/${firstId}`,
				),
			);
		}
		const source = nodes.get(c.sourceIdentifier);
		const target = nodes.get(c.targetIdentifier);
		if (!source) {
			issues.push(
				issue(at("sourceIdentifier"), "unknown_source", `no node "${c.sourceIdentifier}"`),
			);
		}
		if (!target) {
			issues.push(
				issue(at("targetIdentifier"), "unknown_target", `no node "${c.targetIdentifier}"`),
			);
		} else if (isTriggerType(target.config.type)) {
			issues.push(
				issue(
					at("targetIdentifier"),
					"trigger_has_incoming",
					`"${target.identifier}" is a trigger (${target.config.type}); triggers cannot have incoming connections`,
				),
			);
		}
		const kinds = kindsOf(c);
		const [kind] = kinds;
		if (kinds.length > 1) {
			issues.push(
				issue(
					at(c.onError === true ? "onError" : "fallback"),
					"conflicting_connection_kind",
					"a connection is one of: an option (sourceOptionIdentifier), the fallback, or onError",
				),
			);
		} else if (source && kind !== undefined) {
			issues.push(...checkKind(kind, c, source, k, fallbacks));
		}
		const key = JSON.stringify([c.sourceIdentifier, c.targetIdentifier, kinds]);
		const sameEdge = edges.get(key);
		if (sameEdge === undefined) edges.set(key, k);
		else {
			issues.push(
				issue(
					at("targetIdentifier"),
					"duplicate_connection",
					`same source, target and kind as /connections/${sameEdge}`,
				),
			);
		}
	}
	return issues;
}

function checkKind(
	kind: ConnectionKind,
	c: Connection,
	source: WorkflowNode,
	k: number,
	fallbacks: Map<string, number>,
): DefinitionIssue[] {
	const config = source.config;
	switch (kind) {
		case "option": {
			const path = ["connections", k, "sourceOptionIdentifier"];
			const choices =
				config.type === "CONDITION"
					? config.options.map((o) => o.identifier)
					: config.type === "INPUT"
						? config.outlets.map((o) => o.identifier)
						: undefined;
			if (choices === undefined) {
				return [
					issue(
						path,
						"source_option_not_supported",
						`"${source.identifier}" is ${config.type}; only CONDITION options and INPUT outlets can be a sourceOptionIdentifier`,
					),
				];
			}
			if (!choices.includes(c.sourceOptionIdentifier ?? "")) {
				const what = config.type === "CONDITION" ? "option" : "outlet";
				return [
					issue(
						path,
						"unknown_source_option",
						`"${c.sourceOptionIdentifier}" is not an ${what} of "${source.identifier}"; ${what}s: ${choices.join(", ")}`,
					),
				];
			}
			return [];
		}
		case "fallback": {
			const path = ["connections", k, "fallback"];
			if (config.type !== "CONDITION") {
				return [
					issue(
						path,
						"fallback_not_supported",
						`fallback connections leave CONDITION nodes; "${source.identifier}" is ${config.type}`,
					),
				];
			}
			const first = fallbacks.get(source.identifier);
			if (first !== undefined) {
				return [
					issue(
						path,
						"duplicate_fallback",
						`"${source.identifier}" already has a fallback connection (/connections/${first})`,
					),
				];
			}
			fallbacks.set(source.identifier, k);
			return [];
		}
		case "plain":
			// A CONDITION only ever follows the connection its decision picked.
			if (config.type === "CONDITION") {
				return [
					issue(
						["connections", k, "sourceOptionIdentifier"],
						"condition_connection_without_option",
						`connections from CONDITION "${source.identifier}" need sourceOptionIdentifier, fallback or onError`,
					),
				];
			}
			return [];
		case "onError":
			return [];
	}
}
