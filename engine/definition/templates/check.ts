import { graphOf, upstreamOf } from "../graph";
import { issue } from "../issues";
import { isSecretInput, type SecretInputs, secretInputsOf } from "../secret-inputs";
import type { DefinitionIssue, WorkflowDefinition } from "../types";
import { type SiteScope, type TemplateSite, templateSites } from "./sites";

/** One `{{ … }}` in a string: the JQ text, where it starts, and the whole span's bounds. */
export type FoundTemplate = { expression: string; offset: number; start: number; end: number };

/** A context path an expression reads, root first: ["outputs", "trigger", "message"]. */
export type ReadPath = { segments: readonly string[]; offset?: number };

/**
 * What the checks need from engine/expr, narrowed so this file does not
 * depend on its internals (see ./expr.ts for the wiring).
 */
export interface ExprStatic {
	/** Throws a SyntaxFailure on invalid JQ. */
	parse(expression: string): void;
	/** Context paths the expression can read; throws a SyntaxFailure when it is too complex to tell. */
	references(expression: string): readonly ReadPath[];
	/** The `{{ … }}` templates in a string; throws a SyntaxFailure (offset in `text`) when one is unterminated. */
	templates(text: string): readonly FoundTemplate[];
}

/** What a syntax error must tell us: why, and where (0-based offset in the expression). */
export type SyntaxFailure = { reason: string; offset: number };
export function isSyntaxFailure(e: unknown): e is SyntaxFailure {
	return (
		typeof e === "object" &&
		e !== null &&
		typeof (e as SyntaxFailure).reason === "string" &&
		typeof (e as SyntaxFailure).offset === "number"
	);
}

/**
 * Save-time template checks (docs/ARCHITECTURE.md#definitions): every template and expression
 * parses, and reads `.outputs.X` only for X upstream of its node (workflow
 * outputs may read any node), and `.response` only inside `variables`.
 * Positions are 1-based line/column inside the string at the pointer.
 */
export function checkTemplates(def: WorkflowDefinition, expr: ExprStatic): DefinitionIssue[] {
	const issues: DefinitionIssue[] = [];
	const nodes = graphOf(def).nodeIndex;
	// One upstream set per node, computed on first use: O(nodes × (nodes + connections)) worst case.
	const upstream = new Map<string, Set<string>>();
	const upstreamFor = (node: string) => {
		const known = upstream.get(node);
		if (known) return known;
		const set = upstreamOf(def, node);
		upstream.set(node, set);
		return set;
	};
	const secretInputs = secretInputsByTrigger(def);
	for (const site of templateSites(def)) {
		for (const found of expressionsOf(site, expr, issues)) {
			let reads: readonly ReadPath[];
			try {
				expr.parse(found.expression);
				reads = expr.references(found.expression);
			} catch (e) {
				if (!isSyntaxFailure(e)) throw e;
				issues.push(
					issue(
						site.path,
						"template_syntax",
						`invalid JQ: ${e.reason}`,
						positionIn(site.text, found.offset + e.offset),
					),
				);
				continue;
			}
			for (const read of reads) {
				const problem =
					secretInputProblem(read, site.scope, secretInputs) ??
					readProblem(read, site.scope, nodes, upstreamFor);
				if (problem === undefined) continue;
				const at =
					read.offset === undefined ? undefined : positionIn(site.text, found.offset + read.offset);
				issues.push(issue(site.path, problem.code, problem.message, at));
			}
		}
	}
	return issues;
}

/** The JQ texts of a site; an expression field that mixes text and templates is an issue. */
function expressionsOf(
	site: TemplateSite,
	expr: ExprStatic,
	issues: DefinitionIssue[],
): FoundTemplate[] {
	let templates: readonly FoundTemplate[];
	try {
		templates = expr.templates(site.text);
	} catch (e) {
		if (!isSyntaxFailure(e)) throw e;
		issues.push(issue(site.path, "template_syntax", e.reason, positionIn(site.text, e.offset)));
		return [];
	}
	if (site.kind === "template") return [...templates];
	if (templates.length === 0) {
		return [{ expression: site.text, offset: 0, start: 0, end: site.text.length }];
	}
	const [only] = templates;
	if (templates.length === 1 && only && isWholeString(site.text, only)) return [only];
	issues.push(
		issue(
			site.path,
			"expression_mixed_template",
			"an expression field is one JQ expression, bare or as a single {{ … }}, not text mixed with templates",
		),
	);
	return [];
}

/** True when nothing but whitespace surrounds the template. */
function isWholeString(text: string, found: FoundTemplate): boolean {
	return text.slice(0, found.start).trim() === "" && text.slice(found.end).trim() === "";
}

type ReadProblem = { code: string; message: string };

function readProblem(
	read: ReadPath,
	scope: SiteScope,
	nodes: ReadonlyMap<string, number>,
	upstreamFor: (node: string) => Set<string>,
): ReadProblem | undefined {
	if (scope.kind === "event") return undefined;
	const [root, name] = read.segments;
	if (root === "secrets") return secretReadProblem(name, scope);
	if (root === "callback" && !(scope.kind === "node" && scope.callback === true)) {
		return {
			code: "template_callback_outside_async_request",
			message:
				".callback (the callback URL) exists only in the request of a WEBHOOK node with synchronized: false",
		};
	}
	if (root === "response") {
		if (scope.kind === "node" && scope.response) return undefined;
		return {
			code: "template_response_outside_variables",
			message:
				".response is the node's raw result and exists only inside its variables and retry.until",
		};
	}
	// `.outputs` as a whole, or a computed key, cannot be checked statically.
	if (root !== "outputs" || name === undefined) return undefined;
	if (!nodes.has(name)) {
		return {
			code: "template_unknown_node",
			message: `.outputs.${name} reads a node that does not exist`,
		};
	}
	if (scope.kind === "workflow") return undefined;
	if (name === scope.node) {
		return {
			code: "template_not_upstream",
			message: `.outputs.${name} is this node's own output, which does not exist yet; inside variables use .response`,
		};
	}
	if (!upstreamFor(scope.node).has(name)) {
		return {
			code: "template_not_upstream",
			message: `.outputs.${name} is not upstream of "${scope.node}": no path of connections leads from it here, so it may not have run`,
		};
	}
	return undefined;
}

/** Each trigger's secret inputs, and (under "") those of any trigger, which `.inputs` may be. */
function secretInputsByTrigger(def: WorkflowDefinition): Map<string, SecretInputs> {
	const byTrigger = new Map<string, SecretInputs>();
	let all = false;
	const names = new Set<string>();
	for (const node of def.nodes) {
		const secret = secretInputsOf(node);
		if (!secret.all && secret.names.size === 0) continue;
		byTrigger.set(node.identifier, secret);
		if (secret.all) all = true;
		else for (const name of secret.names) names.add(name);
	}
	byTrigger.set("", all ? { all: true } : { all: false, names });
	return byTrigger;
}

/**
 * A secret input (`.inputs.X` or `.outputs.<trigger>.X`) is usable like a secret, in a
 * request only: anywhere else it reads "[REDACTED]", so reading it there is a mistake.
 */
function secretInputProblem(
	read: ReadPath,
	scope: SiteScope,
	secretInputs: Map<string, SecretInputs>,
): ReadProblem | undefined {
	if (scope.kind === "event" || (scope.kind === "node" && scope.request === true)) return undefined;
	const [root, second, third] = read.segments;
	const input = root === "inputs" ? second : root === "outputs" ? third : undefined;
	const trigger = root === "inputs" ? "" : second;
	if (input === undefined || trigger === undefined) return undefined;
	const secret = secretInputs.get(trigger);
	if (secret === undefined || !isSecretInput(secret, input)) return undefined;
	return {
		code: "template_secret_input_outside_request",
		message: `${read.segments.map((s, i) => (i === 0 ? `.${s}` : s)).join(".")} is a secret input: it may only be read in a WEBHOOK node's url, headers, query or body (anywhere else it reads "[REDACTED]")`,
	};
}

/**
 * `.secrets.NAME` resolves only where a request leaves Stepline: copied into a variable, an
 * output, a condition or a log, a secret would be stored in the run for every reader. The name
 * must be written out, so a run loads exactly the secrets its definition names.
 */
function secretReadProblem(
	name: string | undefined,
	scope: Exclude<SiteScope, { kind: "event" }>,
): ReadProblem | undefined {
	if (scope.kind !== "node" || scope.request !== true) {
		return {
			code: "template_secret_outside_request",
			message:
				".secrets may only be read in a WEBHOOK node's url, headers, query or body: anywhere else its value would be stored in the run",
		};
	}
	if (name === undefined) {
		return {
			code: "template_secret_name_required",
			message:
				'read a secret by its name, .secrets.NAME or .secrets["NAME"], not .secrets as a whole or by a computed key',
		};
	}
	return undefined;
}

/** 1-based line and column of a 0-based offset in `text`. */
export function positionIn(text: string, offset: number): { line: number; column: number } {
	const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
	const lineStart = before.lastIndexOf("\n") + 1;
	return { line: before.split("\n").length, column: before.length - lineStart + 1 };
}
