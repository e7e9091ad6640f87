import { z } from "zod";
import {
	IDENTIFIER_CHARS_PATTERN,
	MAX_DESCRIPTION_LENGTH,
	MAX_EXPRESSION_LENGTH,
	MAX_IDENTIFIER_LENGTH,
	MAX_RECORD_ENTRIES,
	MAX_TITLE_LENGTH,
} from "../constants";
import { DURATION_HINT, tryParseDuration } from "../duration";
import { jsonValueSchema } from "./json";

export const identifierSchema = z
	.string()
	.max(MAX_IDENTIFIER_LENGTH)
	.regex(IDENTIFIER_CHARS_PATTERN, {
		message:
			"must start with a letter or _, contain only letters, digits, _ and -, and be at most 100 characters",
	})
	.describe("Letters, digits, _ and -, starting with a letter or _; at most 100 characters.");

export const titleSchema = z.string().min(1).max(MAX_TITLE_LENGTH);
export const descriptionSchema = z.string().max(MAX_DESCRIPTION_LENGTH);

/** A JQ expression, bare or as one `{{ … }}` template; parsed at save time by engine/expr. */
export const expressionSchema = z.string().min(1).max(MAX_EXPRESSION_LENGTH);

/** A string that may contain `{{ … }}` templates. */
export const templateStringSchema = z.string().max(MAX_EXPRESSION_LENGTH);

export const durationSchema = z
	.string()
	.superRefine((value, ctx) => {
		const result = tryParseDuration(value);
		if (!result.ok) ctx.addIssue({ code: "custom", message: result.reason });
	})
	.describe(`A duration, ${DURATION_HINT}; at most 365 days.`);

/** Record with a bounded number of entries and sane keys; values are templated JSON. */
export function boundedRecord<V extends z.ZodType>(value: V) {
	return z
		.record(z.string().min(1).max(MAX_IDENTIFIER_LENGTH), value)
		.refine((r) => Object.keys(r).length <= MAX_RECORD_ENTRIES, {
			message: `at most ${MAX_RECORD_ENTRIES} entries`,
		});
}

export const templatedRecordSchema = boundedRecord(jsonValueSchema);

export const ROLES = ["admin", "member", "viewer"] as const;

/** Who may execute a trigger or answer an input node (docs/ARCHITECTURE.md#tenancy-and-permissions). */
export const permissionsSchema = z.strictObject({
	roles: z.array(z.enum(ROLES)).max(3).optional(),
	users: z.array(z.string().min(1).max(MAX_TITLE_LENGTH)).max(MAX_RECORD_ENTRIES).optional(),
});

/**
 * Inputs form: a JSON Schema object. The top level is ours and strict; each
 * property is plain JSON Schema (checked against at run start), so its
 * keywords are not restricted here.
 */
export const userInputsSchema = z.strictObject({
	type: z.literal("object").optional(),
	title: titleSchema.optional(),
	description: descriptionSchema.optional(),
	properties: boundedRecord(z.record(z.string(), jsonValueSchema)).default({}),
	required: z
		.array(z.string().min(1).max(MAX_IDENTIFIER_LENGTH))
		.max(MAX_RECORD_ENTRIES)
		.optional(),
	order: z.array(z.string().min(1).max(MAX_IDENTIFIER_LENGTH)).max(MAX_RECORD_ENTRIES).optional(),
	additionalProperties: z.boolean().optional(),
});
