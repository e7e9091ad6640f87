// RFC 7386 JSON Merge Patch. Written here rather than taken from npm: the algorithm is ten lines
// and the maintained packages for it pull in deep-equal helpers we do not need.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> =>
	typeof v === "object" && v !== null && !Array.isArray(v);

/** Applies `patch` to `target`: objects merge key by key, `null` removes a key, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): Json {
	if (!isObject(patch)) return patch as Json;
	const result: Record<string, Json> = isObject(target) ? { ...target } : {};
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) delete result[key];
		else result[key] = applyMergePatch(result[key], value);
	}
	return result;
}
