// What JSON.parse accepts but the API refuses, found in one pass over the text (already known
// to be valid JSON):
// - a key given twice in one object: JSON.parse keeps the last, but which did the client mean?
// - strings (keys too) that are not well-formed Unicode: a lone surrogate (`"\udc00"`) cannot
//   be stored, hashed, signed or sent on, so it is refused here rather than failing later;
// - the key `__proto__`, which JavaScript gives a meaning of its own when an object is copied
//   or merged (`constructor` and `prototype` are ordinary keys);
// - nesting deeper than MAX_JSON_DEPTH, which the code that walks bodies recursively could not
//   follow.

export type JsonProblemCode = "duplicate_key" | "invalid_unicode" | "forbidden_key" | "too_deep";

export interface JsonProblem {
	/** RFC 6901 pointer to the value concerned (for a key: the value under it). */
	pointer: string;
	code: JsonProblemCode;
	message: string;
}

/** Deeper than any definition or run input needs; far from where a recursive walk overflows. */
export const MAX_JSON_DEPTH = 128;
/** A body can hold thousands of duplicates; naming the first few is enough. */
const MAX_PROBLEMS = 20;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type Frame =
	| { kind: "object"; pointer: string; keys: Set<string>; key: string | null; expectKey: boolean }
	| { kind: "array"; pointer: string; index: number };

export function jsonPointerToken(key: string): string {
	return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The problems in `text`, which must be valid JSON (JSON.parse it first). */
export function problemsInJson(text: string): JsonProblem[] {
	const problems: JsonProblem[] = [];
	const stack: Frame[] = [];
	const report = (problem: JsonProblem) => {
		if (problems.length < MAX_PROBLEMS) problems.push(problem);
	};
	/** Where the value starting now sits. */
	const here = (): string => {
		const top = stack[stack.length - 1];
		if (!top) return "";
		if (top.kind === "array") return `${top.pointer}/${top.index}`;
		return `${top.pointer}/${jsonPointerToken(top.key ?? "")}`;
	};
	let i = 0;
	while (i < text.length) {
		const c = text[i] as string;
		const top = stack[stack.length - 1];
		switch (c) {
			case "{":
			case "[": {
				const pointer = here();
				if (stack.length >= MAX_JSON_DEPTH) {
					report({
						pointer,
						code: "too_deep",
						message: `Nests more than ${MAX_JSON_DEPTH} levels deep.`,
					});
					return problems;
				}
				stack.push(
					c === "{"
						? { kind: "object", pointer, keys: new Set(), key: null, expectKey: true }
						: { kind: "array", pointer, index: 0 },
				);
				i++;
				break;
			}
			case "}":
			case "]":
				stack.pop();
				i++;
				break;
			case ",":
				if (top?.kind === "array") top.index++;
				else if (top?.kind === "object") top.expectKey = true;
				i++;
				break;
			case '"': {
				const end = stringEnd(text, i);
				const raw = text.slice(i + 1, end);
				const value = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
				if (top?.kind === "object" && top.expectKey) {
					top.expectKey = false;
					top.key = value;
					const pointer = here();
					if (value === "__proto__")
						report({
							pointer,
							code: "forbidden_key",
							message: "The key __proto__ is not allowed anywhere in a request.",
						});
					else if (top.keys.has(value))
						report({
							pointer,
							code: "duplicate_key",
							message: "This key appears twice in one object.",
						});
					top.keys.add(value);
					if (LONE_SURROGATE.test(value))
						report({ pointer, code: "invalid_unicode", message: invalidUnicode("key") });
				} else if (LONE_SURROGATE.test(value)) {
					report({ pointer: here(), code: "invalid_unicode", message: invalidUnicode("string") });
				}
				i = end + 1;
				break;
			}
			default:
				i++;
		}
	}
	return problems;
}

function invalidUnicode(what: string): string {
	return `This ${what} is not valid Unicode: it holds a lone surrogate (\\ud800–\\udfff without its pair).`;
}

/** Index of the quote closing the string that opens at `open`. */
function stringEnd(text: string, open: number): number {
	let i = open + 1;
	while (i < text.length) {
		const c = text.charCodeAt(i);
		if (c === 0x22) return i;
		i += c === 0x5c ? 2 : 1;
	}
	return text.length;
}
