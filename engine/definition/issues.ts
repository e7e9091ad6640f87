import type { DefinitionIssue } from "./types";

/** RFC 6901: "~" → "~0", "/" → "~1", segments joined with "/". */
export function toPointer(path: ReadonlyArray<PropertyKey>): string {
	return path
		.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`)
		.join("");
}

export function issue(
	path: ReadonlyArray<PropertyKey>,
	code: string,
	message: string,
	position?: DefinitionIssue["position"],
): DefinitionIssue {
	return position === undefined
		? { pointer: toPointer(path), code, message }
		: { pointer: toPointer(path), code, message, position };
}
