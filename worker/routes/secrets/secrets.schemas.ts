import { z } from "@hono/zod-openapi";
import { IDENTIFIER_PATTERN, MAX_DESCRIPTION_LENGTH } from "../../../engine/definition";
import { MAX_SECRET_VALUE_BYTES, MAX_SECRETS_PER_TENANT } from "../../secrets/limits";

export const SecretNameParam = z.object({
	name: z
		.string()
		.regex(
			IDENTIFIER_PATTERN,
			"Secret names use letters, digits, _ and -, start with a letter or _, ≤ 100 chars.",
		)
		.openapi({ param: { name: "name", in: "path" }, example: "GITHUB_TOKEN" }),
});

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

/** Strict: a misspelt field is a 422 naming it. Messages never quote the value. */
export const PutSecretBody = z
	.strictObject({
		value: z
			.string()
			.min(1, "The value must not be empty.")
			.refine((value) => utf8Bytes(value) <= MAX_SECRET_VALUE_BYTES, {
				message: `The value is limited to ${MAX_SECRET_VALUE_BYTES} bytes (64 KiB) of UTF-8.`,
			})
			.openapi({
				description: `The secret itself, at most 64 KiB of UTF-8. Write-only: no answer ever shows it again.`,
				example: "ghp_…",
			}),
		description: z.string().max(MAX_DESCRIPTION_LENGTH).optional().openapi({
			description: "What the secret is for. Left out, a replaced secret keeps its description.",
			example: "GitHub token of the deploy bot",
		}),
	})
	.openapi("PutSecret");

export const SecretListQuery = z.object({
	limit: z.coerce
		.number()
		.int()
		.min(1)
		.max(MAX_SECRETS_PER_TENANT)
		.default(100)
		.openapi({ description: `Page size, 1 to ${MAX_SECRETS_PER_TENANT} (default 100).` }),
	cursor: z
		.string()
		.max(512)
		.optional()
		.openapi({ description: "`nextCursor` from the previous page." }),
});

export const SecretMetadata = z
	.object({
		name: z.string(),
		description: z.string().nullable(),
		version: z.number().int().openapi({ description: "1 for the first value, +1 per replace." }),
		createdAt: z.string().openapi({ format: "date-time" }),
		createdBy: z.string(),
		updatedAt: z.string().openapi({ format: "date-time" }),
		updatedBy: z.string(),
		lastUsedAt: z.string().nullable().openapi({
			format: "date-time",
			description: "When a run last read the value (updated at most once a minute).",
		}),
	})
	.openapi("SecretMetadata", {
		description: "A secret as admins see it: everything but the value, which is never returned.",
	});

export const SecretName = z
	.object({ name: z.string() })
	.openapi("SecretName", { description: "A secret as members and viewers see it: its name." });

export const Secret = z.union([SecretMetadata, SecretName]).openapi("Secret");

export const SecretList = z
	.object({ data: z.array(Secret), nextCursor: z.string().nullable() })
	.openapi("SecretList");
