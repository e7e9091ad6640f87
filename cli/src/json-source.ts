/**
 * A JSON file as its author sees it: parsed strictly (what the API accepts: no comments, no
 * trailing commas) and able to turn a JSON pointer from the engine into the line:column it
 * names, so an editor or a CI annotation lands on the right character.
 */
import {
	findNodeAtLocation,
	getNodeValue,
	type Node,
	type ParseError,
	parseTree,
	printParseErrorCode,
} from "jsonc-parser";

export interface Position {
	/** 1-based. */
	line: number;
	/** 1-based, in UTF-16 code units (what editors count). */
	column: number;
}

export type ParsedJson =
	| { ok: true; value: unknown; source: JsonSource }
	| { ok: false; error: { message: string; position: Position } };

export class JsonSource {
	private readonly lineStarts: number[] = [0];

	constructor(
		readonly text: string,
		private readonly root: Node,
	) {
		for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.lineStarts.push(i + 1);
	}

	/**
	 * Where a pointer lands: an object member at its key (so `unknown_field` marks the field),
	 * an array element at its start. A pointer to something missing (a `missing_field`) lands
	 * on the nearest thing that exists above it. `inString` is a 1-based position inside the
	 * string value at the pointer (a template's syntax error), mapped through its escapes.
	 */
	positionOf(pointer: string, inString?: Position): Position {
		const path = pointerSegments(pointer);
		let node: Node | undefined;
		let depth = path.length;
		for (; depth >= 0; depth--) {
			node = findNodeAtLocation(this.root, pathOf(this.root, path.slice(0, depth)));
			if (node !== undefined) break;
		}
		if (node === undefined) return this.at(0);
		if (inString !== undefined && depth === path.length && node.type === "string") {
			return this.at(node.offset + rawOffsetInString(this.text, node.offset, inString));
		}
		const member = node.parent?.type === "property" ? node.parent : undefined;
		return this.at(member?.offset ?? node.offset);
	}

	at(offset: number): Position {
		let low = 0;
		let high = this.lineStarts.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if ((this.lineStarts[mid] as number) <= offset) low = mid;
			else high = mid - 1;
		}
		return { line: low + 1, column: offset - (this.lineStarts[low] as number) + 1 };
	}
}

export function parseJson(text: string): ParsedJson {
	const errors: ParseError[] = [];
	const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
	const first = errors[0];
	if (first !== undefined || root === undefined) {
		const empty = new JsonSource(text, { type: "null", offset: 0, length: 0 } as Node);
		return {
			ok: false,
			error: {
				message: first === undefined ? "the file is empty" : describeParseError(first.error),
				position: empty.at(first?.offset ?? 0),
			},
		};
	}
	return { ok: true, value: getNodeValue(root), source: new JsonSource(text, root) };
}

function describeParseError(code: number): string {
	// "InvalidSymbol" → "invalid symbol": the names are the only description jsonc-parser has.
	const name = printParseErrorCode(code as Parameters<typeof printParseErrorCode>[0]);
	return `not valid JSON: ${name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}`;
}

/** RFC 6901: "" → [], "/a/0/b~1c" → ["a", "0", "b/c"]. */
export function pointerSegments(pointer: string): string[] {
	if (pointer === "") return [];
	return pointer
		.slice(1)
		.split("/")
		.map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** jsonc-parser wants numbers for array indexes. */
function pathOf(root: Node, segments: string[]): Array<string | number> {
	const path: Array<string | number> = [];
	let node: Node | undefined = root;
	for (const segment of segments) {
		const index: string | number =
			node?.type === "array" && /^\d+$/.test(segment) ? Number(segment) : segment;
		path.push(index);
		node = node === undefined ? undefined : findNodeAtLocation(node, [index]);
	}
	return path;
}

/**
 * The offset, from the opening quote, of the character at `inString` (line/column of the
 * decoded string, 1-based). Escapes take more source characters than they decode to, and a
 * decoded newline is the two characters `\n` on the same source line.
 */
function rawOffsetInString(text: string, quoteOffset: number, inString: Position): number {
	let line = 1;
	let column = 1;
	let i = quoteOffset + 1;
	while (i < text.length && text[i] !== '"') {
		if (line === inString.line && column === inString.column) break;
		const escaped = text[i] === "\\";
		const decoded = escaped ? text[i + 1] : text[i];
		i += escaped ? (decoded === "u" ? 6 : 2) : 1;
		if (escaped && decoded === "n") {
			line += 1;
			column = 1;
		} else column += 1;
	}
	return i - quoteOffset;
}
