import type { FunctionDef, Node, Pattern } from "./ast";
import { syntaxErrorAt } from "./errors";
import { compile } from "./evaluate";

// Static analysis for save-time checks: which parts of the run context can an expression read?
// Paths are tracked symbolically from the input (`.`); a path counts as read when its value is
// consumed (by an operator, a built-in, a constructor, or as the expression's result).

export interface References {
	/** Node identifiers read under `.outputs` (sorted, unique). */
	outputs: string[];
	/** True when anything under `.inputs` is read. */
	inputs: boolean;
	/** Secret names read under `.secrets` (sorted, unique). */
	secrets: string[];
	/**
	 * True when the expression may read context that is not statically known: all of `.`,
	 * all of `.outputs` (e.g. `.outputs | keys`, `.outputs[$id]`) or all of `.secrets`.
	 */
	dynamic: boolean;
	/**
	 * Every statically known path read, e.g. [["outputs","check","status"]]; "*" is any key.
	 * Paths deeper than MAX_PATH end in "*" (anything below).
	 */
	paths: string[][];
}

type SymbolicPath = string[] | null;
const ANY = "*";

/** Longest path tracked; what a deeper path reads is folded into its last "*". */
const MAX_PATH = 16;

/**
 * The analysis follows calls into definitions, so its work can grow faster than the text
 * (definitions calling each other twice over). It may visit this many nodes per character of
 * the expression, plus a floor; past that the expression is refused as too complex to check,
 * which keeps every save's analysis linear in the expression's size.
 */
const VISITS_PER_CHARACTER = 16;
const VISITS_FLOOR = 1_000;
/** Calls followed into definitions at once (deeper chains are refused, not overflowed). */
const MAX_INLINED_CALLS = 64;

/**
 * Lists what `expr` reads from its input. Throws ExprSyntaxError if it does not compile or is
 * too complex to check.
 */
export function references(expr: string): References {
	return analyseReferences(expr).references;
}

/** `references`, and how many nodes the analysis visited to find them (its work). */
export function analyseReferences(expr: string): { references: References; visits: number } {
	const { ast } = compile(expr);
	const consumed: string[][] = [];
	const tooComplex = (reason: string) =>
		syntaxErrorAt(expr, 0, `the expression is too complex to check: ${reason}; simplify it`);
	const allowed = VISITS_FLOOR + VISITS_PER_CHARACTER * expr.length;
	const analyzer = new Analyzer(consumed, allowed, tooComplex);
	try {
		analyzer.consume(analyzer.visit(ast, [], new Map(), new Map()));
	} catch (e) {
		if (e instanceof RangeError) throw tooComplex("it nests too deeply");
		throw e;
	}
	return { references: summarize(consumed), visits: allowed - analyzer.visitsLeft };
}

function summarize(paths: string[][]): References {
	const outputs = new Set<string>();
	const secrets = new Set<string>();
	let inputs = false;
	let dynamic = false;
	for (const path of paths) {
		const [root, second] = path;
		if (root === undefined || root === ANY) dynamic = true;
		else if (root === "outputs" || root === "secrets") {
			if (second === undefined || second === ANY) dynamic = true;
			else (root === "outputs" ? outputs : secrets).add(second);
		} else if (root === "inputs") inputs = true;
	}
	const unique = [...new Map(paths.map((p) => [JSON.stringify(p), p])).values()];
	return {
		outputs: [...outputs].sort(),
		inputs,
		secrets: [...secrets].sort(),
		dynamic,
		paths: unique,
	};
}

type Variables = Map<string, SymbolicPath>;
type Functions = Map<string, FunctionDef>;

// Built-ins whose output is their input (or part of it) rather than a new value.
const PASS_THROUGH = new Set([
	"select/1",
	"debug/0",
	"first/1",
	"last/1",
	"limit/2",
	"values/0",
	"arrays/0",
	"objects/0",
	"strings/0",
	"numbers/0",
	"booleans/0",
	"nulls/0",
	"iterables/0",
	"scalars/0",
]);

/** Extends a path by one key, folding anything past MAX_PATH into a final "*". */
function extend(path: SymbolicPath, key: string): SymbolicPath {
	if (!path) return null;
	if (path.length < MAX_PATH) return [...path, key];
	return path[MAX_PATH - 1] === ANY ? path : [...path.slice(0, MAX_PATH - 1), ANY];
}

// Built-ins that run their filter argument on each element of their input.
const ELEMENT_WISE = new Set([
	"map/1",
	"map_values/1",
	"with_entries/1",
	"any/1",
	"all/1",
	"sort_by/1",
	"group_by/1",
	"unique_by/1",
	"min_by/1",
	"max_by/1",
]);

class Analyzer {
	private readonly active = new Set<string>();
	/** Calls already followed, by definition and context: the same call adds nothing new. */
	private readonly followed = new WeakMap<FunctionDef, Map<string, SymbolicPath>>();
	private readonly scopeIds = new WeakMap<object, number>();
	private nextScopeId = 0;
	constructor(
		private readonly consumed: string[][],
		public visitsLeft: number,
		private readonly tooComplex: (reason: string) => Error,
	) {}

	consume(path: SymbolicPath): void {
		if (path) this.consumed.push(path);
	}

	visit(node: Node, input: SymbolicPath, vars: Variables, fns: Functions): SymbolicPath {
		if (--this.visitsLeft < 0) throw this.tooComplex("its definitions call one another too often");
		const visit = (n: Node, i: SymbolicPath = input) => this.visit(n, i, vars, fns);
		const use = (n: Node, i: SymbolicPath = input) => this.consume(visit(n, i));
		switch (node.kind) {
			case "identity":
				return input;
			case "recurseAll":
				return extend(input, ANY);
			case "literal":
			case "format":
			case "break":
				if (node.kind === "format") this.consume(input);
				return null;
			case "string":
				for (const part of node.parts) if (typeof part !== "string") use(part);
				return null;
			case "index": {
				const target = visit(node.target);
				if (
					node.key.kind === "literal" &&
					(typeof node.key.value === "string" || typeof node.key.value === "number")
				) {
					return extend(target, String(node.key.value));
				}
				use(node.key);
				return extend(target, ANY);
			}
			case "slice":
			case "iterate": {
				if (node.kind === "slice") {
					if (node.from) use(node.from);
					if (node.to) use(node.to);
				}
				const target = visit(node.target);
				return extend(target, ANY);
			}
			case "try":
				if (node.handler) use(node.handler, null);
				return visit(node.body);
			case "array":
				if (node.body) use(node.body);
				return null;
			case "object":
				for (const entry of node.entries) {
					use(entry.key);
					use(entry.value);
				}
				return null;
			case "negate":
				use(node.body);
				return null;
			case "pipe":
				return visit(node.right, visit(node.left));
			case "comma":
			case "binary":
			case "and":
			case "or":
			case "alternative":
			case "assign":
				use(node.left);
				use(node.right);
				return null;
			case "if":
				for (const branch of node.branches) {
					use(branch.cond);
					use(branch.body);
				}
				use(node.otherwise);
				return null;
			case "reduce":
			case "foreach": {
				const source = visit(node.source);
				this.consume(source);
				const inner = this.bindPattern(node.pattern, extend(source, ANY), vars);
				use(node.init);
				this.consume(this.visit(node.update, null, inner, fns));
				if (node.kind === "foreach" && node.extract)
					this.consume(this.visit(node.extract, null, inner, fns));
				return null;
			}
			case "bind": {
				const inner = this.bindPattern(node.pattern, visit(node.source), vars);
				return this.visit(node.body, input, inner, fns);
			}
			case "variable":
				return vars.get(node.name) ?? null;
			case "call":
				return this.visitCall(node, input, vars, fns);
			case "def": {
				const inner = new Map(fns);
				inner.set(`${node.def.name}/${node.def.params.length}`, node.def);
				return this.visit(node.rest, input, vars, inner);
			}
			case "label":
				return visit(node.body);
		}
	}

	private visitCall(
		node: Node & { kind: "call" },
		input: SymbolicPath,
		vars: Variables,
		fns: Functions,
	): SymbolicPath {
		const key = `${node.name}/${node.args.length}`;
		// Element-wise built-ins run their argument on each element: map(f) reads `.[] | f`.
		const argInput = ELEMENT_WISE.has(key) ? extend(input, ANY) : input;
		for (const arg of node.args) this.consume(this.visit(arg, argInput, vars, fns));
		const def = fns.get(key);
		if (def) return this.follow(key, def, input, vars, fns);
		if (PASS_THROUGH.has(key)) return input;
		this.consume(input);
		return null;
	}

	/** Follows a call into its definition, once per context (the same call reads the same). */
	private follow(
		key: string,
		def: FunctionDef,
		input: SymbolicPath,
		vars: Variables,
		fns: Functions,
	): SymbolicPath {
		if (this.active.has(key)) {
			this.consume(input);
			return null;
		}
		if (this.active.size >= MAX_INLINED_CALLS)
			throw this.tooComplex("its definitions call one another too deeply");
		const context = [
			this.idOf(vars),
			this.idOf(fns),
			[...this.active].join(","),
			input === null ? "-" : JSON.stringify(input),
		].join("|");
		let known = this.followed.get(def);
		if (!known) {
			known = new Map();
			this.followed.set(def, known);
		}
		const seen = known.get(context);
		if (seen !== undefined) return seen;
		this.active.add(key);
		const result = this.visit(def.body, input, vars, fns);
		this.active.delete(key);
		known.set(context, result);
		return result;
	}

	private idOf(scope: object): number {
		let id = this.scopeIds.get(scope);
		if (id === undefined) {
			id = this.nextScopeId++;
			this.scopeIds.set(scope, id);
		}
		return id;
	}

	private bindPattern(pattern: Pattern, source: SymbolicPath, vars: Variables): Variables {
		const inner = new Map(vars);
		const bind = (p: Pattern, at: SymbolicPath) => {
			switch (p.kind) {
				case "variable":
					inner.set(p.name, at);
					return;
				case "array":
					for (const [i, item] of p.items.entries()) bind(item, at && [...at, String(i)]);
					return;
				case "object":
					for (const entry of p.entries) {
						const key =
							entry.key.kind === "literal" && typeof entry.key.value === "string"
								? entry.key.value
								: ANY;
						const child = at && [...at, key];
						if (entry.keyVariable) inner.set(entry.keyVariable, child);
						if (entry.value) bind(entry.value, child);
					}
					return;
			}
		};
		bind(pattern, source);
		return inner;
	}
}
