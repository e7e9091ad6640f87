import { z } from "@hono/zod-openapi";
import { ROLES } from "../../auth/principal";
import { SCOPES } from "../../auth/scopes";

const Time = z.string().openapi({ format: "date-time" });

export const ApiKeyIdParam = z.object({
	keyId: z
		.string()
		.regex(/^key_[0-9a-f]{24}$/, "API key ids look like key_ followed by 24 hex digits.")
		.openapi({ param: { name: "keyId", in: "path" }, example: "key_5f0c2d9e8a7b6c5d4e3f2a1b" }),
});

export const CreateApiKeyBody = z
	.strictObject({
		name: z
			.string()
			.trim()
			.min(1)
			.max(100)
			.openapi({ description: "What the key is for, e.g. the pipeline that uses it." }),
		role: z.enum(ROLES).openapi({ description: "The role the key acts with." }),
		scopes: z
			.array(z.enum(SCOPES))
			.min(1)
			.max(SCOPES.length)
			.refine((scopes) => new Set(scopes).size === scopes.length, "Each scope once.")
			.openapi({
				description:
					"What the key may call: each operation needs one scope. `admin` grants every scope; a `:write` scope grants its `:read`.",
			}),
		expiresAt: z.iso
			.datetime({ offset: true })
			.optional()
			.refine((at) => at === undefined || Date.parse(at) > Date.now(), "Must be in the future.")
			.openapi({ description: "When the key stops working; never, when left out." }),
	})
	.openapi("CreateApiKey");

export const ApiKey = z
	.object({
		id: z.string(),
		name: z.string(),
		prefix: z.string().openapi({
			description: "The key's first characters, to tell keys apart.",
			example: "stl_3fA9x0Qe",
		}),
		role: z.enum(ROLES),
		scopes: z.array(z.enum(SCOPES)),
		createdAt: Time,
		createdBy: z.string(),
		lastUsedAt: Time.nullable().openapi({ description: "To the minute." }),
		expiresAt: Time.nullable(),
		revokedAt: Time.nullable(),
		revokedBy: z.string().nullable(),
	})
	.openapi("ApiKey", {
		description: "An API key's metadata. Requests made with it act as `apikey:<id>`.",
	});

export const CreatedApiKey = ApiKey.extend({
	key: z.string().openapi({
		description: "The key itself: shown this once, never again (only its SHA-256 is kept).",
		example: "stl_3fA9x0Qe…",
	}),
}).openapi("CreatedApiKey");

export const ApiKeyList = z
	.object({ data: z.array(ApiKey), nextCursor: z.string().nullable() })
	.openapi("ApiKeyList");

export const ListApiKeysQuery = z.object({
	limit: z.coerce.number().int().min(1).max(100).default(20),
	cursor: z
		.string()
		.max(512)
		.optional()
		.openapi({ description: "`nextCursor` from the previous page." }),
});
