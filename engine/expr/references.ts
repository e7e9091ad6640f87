import type { FunctionDef, Node, Pattern } from "./ast";
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
	/** Every statically known path read, e.g. [["outputs","check","status"]]; "*" is any key. */
	paths: string[][];
}

type SymbolicPath = string[] | null;
const ANY = "*";

/** Lists what `expr` reads from its input. Throws ExprSyntaxError if it does not compile. */
export function references(expr: string): References {
	const { ast } = compile(expr);
	const consumed: string[][] = [];
	const analyzer = new Analyzer(consumed);
	analyzer.consume(analyzer.visit(ast, [], new Map(), new Map()));
	return summarize(consumed);
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

class Analyzer {
	private readonly active = new Set<string>();
	constructor(private readonly consumed: string[][]) {}

	consume(path: SymbolicPath): void {
		if (path) this.consumed.push(path);
	}

	visit(node: Node, input: SymbolicPath, vars: Variables, fns: Functions): SymbolicPath {
		const visit = (n: Node, i: SymbolicPath = input) => this.visit(n, i, vars, fns);
		const use = (n: Node, i: SymbolicPath = input) => this.consume(visit(n, i));
		switch (node.kind) {
			case "identity":
				return input;
			case "recurseAll":
				return input && [...input, ANY];
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
					return target && [...target, String(node.key.value)];
				}
				use(node.key);
				return target && [...target, ANY];
			}
			case "slice":
			case "iterate": {
				if (node.kind === "slice") {
					if (node.from) use(node.from);
					if (node.to) use(node.to);
				}
				const target = visit(node.target);
				return target && [...target, ANY];
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
				const inner = this.bindPattern(node.pattern, source && [...source, ANY], vars);
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
		for (const arg of node.args) this.consume(this.visit(arg, input, vars, fns));
		const def = fns.get(key);
		if (def) {
			if (this.active.has(key)) {
				this.consume(input);
				return null;
			}
			this.active.add(key);
			const result = this.visit(def.body, input, vars, fns);
			this.active.delete(key);
			return result;
		}
		if (PASS_THROUGH.has(key)) return input;
		if (
			node.args.length > 0 &&
			[
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
				"recurse/1",
			].includes(key)
		) {
			for (const arg of node.args)
				this.consume(this.visit(arg, input && [...input, ANY], vars, fns));
		}
		this.consume(input);
		return null;
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
