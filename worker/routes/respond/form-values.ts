/**
 * What an answer page's form sent, as the inputs of a response: HTML forms send text only, so
 * each field is read by the type its form property declares (numbers, booleans, JSON for arrays
 * and objects). A value that does not read as its type is passed on as typed, and the form's own
 * check (the same rules as `POST /v1/runs/{runId}/inputs/{node}`) names it.
 */
import type { JsonObject, JsonValue } from "../../../engine/run";
import { type Entered, fieldsOf } from "./respond-pages";

export interface SentForm {
	outlet: string;
	comment: string | null;
	inputs: JsonObject;
	/** As typed, to show the form again with its errors. */
	entered: Entered;
}

export function readSentForm(form: unknown, body: Record<string, unknown>): SentForm {
	const text = (v: unknown) => (typeof v === "string" ? v : "");
	const inputs: JsonObject = {};
	const values: Record<string, string> = {};
	for (const field of fieldsOf(form)) {
		const key = `input.${field.name}`;
		if (!(key in body)) continue;
		const raw = text(body[key]);
		values[field.name] = raw;
		if (raw === "") continue;
		inputs[field.name] = typed(raw, field.schema.type);
	}
	const comment = text(body.comment).trim();
	return {
		outlet: text(body.outlet),
		comment: comment === "" ? null : comment,
		inputs,
		entered: { values, comment, errors: {}, problem: null },
	};
}

function typed(raw: string, type: string | undefined): JsonValue {
	switch (type) {
		case "number":
		case "integer": {
			const n = Number(raw);
			return Number.isFinite(n) ? n : raw;
		}
		case "boolean":
			return raw === "true" ? true : raw === "false" ? false : raw;
		case "array":
		case "object":
			try {
				return JSON.parse(raw) as JsonValue;
			} catch {
				return raw;
			}
		default:
			return raw;
	}
}
