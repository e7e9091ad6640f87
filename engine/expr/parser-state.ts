import type { ExprSyntaxError } from "./errors";
import { syntaxErrorAt } from "./errors";
import type { Token } from "./lexer";

/**
 * How deeply an expression may nest: brackets, parentheses, definitions, pipes and chains of
 * operators each add a level. Everything that walks the tree afterwards (the compiler, the
 * save-time analysis, evaluation) recurses once per level, so this keeps them all far from
 * the JavaScript stack's end, in Node and in workerd.
 */
export const MAX_NESTING = 256;

/** A cursor over tokens with the helpers every parse function needs. */
export class TokenCursor {
	private index = 0;
	constructor(
		private readonly tokens: Token[],
		/** The whole expression, for error excerpts. */
		readonly source: string,
		/** Levels already open around these tokens (an interpolation inside a string). */
		public depth = 0,
	) {}

	/** Opens a level of nesting; past MAX_NESTING the expression is refused. */
	enter(): void {
		if (++this.depth > MAX_NESTING) {
			throw this.errorAt(
				this.peek.pos,
				`the expression nests more than ${MAX_NESTING} levels deep (brackets, definitions, pipes and chained operators each add one)`,
			);
		}
	}

	leave(levels = 1): void {
		this.depth -= levels;
	}

	get peek(): Token {
		return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
	}

	peekAt(ahead: number): Token {
		return this.tokens[this.index + ahead] ?? (this.tokens[this.tokens.length - 1] as Token);
	}

	next(): Token {
		const token = this.peek;
		if (this.index < this.tokens.length - 1) this.index++;
		return token;
	}

	isOp(value: string): boolean {
		const token = this.peek;
		return token.type === "op" && token.value === value;
	}

	isKeyword(value: string): boolean {
		const token = this.peek;
		return token.type === "ident" && token.value === value;
	}

	acceptOp(value: string): boolean {
		if (!this.isOp(value)) return false;
		this.next();
		return true;
	}

	expectOp(value: string, context: string): Token {
		if (!this.isOp(value)) throw this.unexpected(`expected "${value}" ${context}`);
		return this.next();
	}

	expectKeyword(value: string, context: string): Token {
		if (!this.isKeyword(value)) throw this.unexpected(`expected "${value}" ${context}`);
		return this.next();
	}

	unexpected(expectation: string): ExprSyntaxError {
		const token = this.peek;
		return this.errorAt(token.pos, `unexpected ${describe(token)}, ${expectation}`);
	}

	errorAt(pos: number, reason: string): ExprSyntaxError {
		return syntaxErrorAt(this.source, pos, reason);
	}
}

export function describe(token: Token): string {
	switch (token.type) {
		case "eof":
			return "end of expression";
		case "number":
			return `number ${token.value}`;
		case "string":
			return "string";
		case "ident":
			return `"${token.value}"`;
		case "field":
			return `".${token.value}"`;
		case "variable":
			return `"$${token.value}"`;
		case "format":
			return `"@${token.value}"`;
		case "op":
			return `"${token.value}"`;
	}
}
