import { z } from "zod";
import { MAX_EVENT_EXPRESSIONS, MAX_IDENTIFIER_LENGTH } from "../constants";
import {
	durationSchema,
	expressionSchema,
	identifierSchema,
	permissionsSchema,
	templatedRecordSchema,
	userInputsSchema,
} from "./common";
import { cronProblem, isKnownTimeZone } from "./cron";

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

/** Started from the API or the admin page; inputs are checked against `userInputs` first. */
export const selfServeTriggerSchema = z.strictObject({
	type: z.literal("SELF_SERVE_TRIGGER"),
	userInputs: userInputsSchema.optional(),
	/** Who may start a run; absent means members and admins (docs/ARCHITECTURE.md#tenancy-and-permissions). */
	permissions: permissionsSchema.optional(),
});

/** Started by a POST to the tenant's webhook URL for this node; the body becomes the inputs. */
export const webhookTriggerSchema = z.strictObject({
	type: z.literal("WEBHOOK_TRIGGER"),
	/** Checked against the request body, like a self-serve trigger's inputs. */
	userInputs: userInputsSchema.optional(),
	/** Request headers copied into the output (under `headers`), lower-cased by the route. */
	includeHeaders: z
		.array(
			z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, { message: "not a header name" }),
		)
		.max(50)
		.optional(),
	/**
	 * How a delivery proves it comes from the sender; absent: the unguessable URL alone.
	 * STANDARD_WEBHOOKS checks `webhook-id`, `webhook-timestamp` and `webhook-signature`;
	 * HMAC_SHA256 checks a hex or base64 HMAC of the raw body in one header (GitHub:
	 * `X-Hub-Signature-256: sha256=<hex>`). Both use the named tenant secret.
	 */
	signature: z
		.discriminatedUnion("type", [
			z.strictObject({ type: z.literal("STANDARD_WEBHOOKS"), secret: identifierSchema }),
			z.strictObject({
				type: z.literal("HMAC_SHA256"),
				secret: identifierSchema,
				header: z
					.string()
					.regex(HEADER_NAME, { message: "not a header name" })
					.default("X-Hub-Signature-256"),
				prefix: z.string().max(50).default("sha256="),
				encoding: z.enum(["hex", "base64"]).default("hex"),
			}),
		])
		.optional(),
	/** JQ over `{ body, headers }`: false or null answers 202 `ignored` and starts nothing. */
	filter: expressionSchema.optional(),
	/** JQ over `{ body, headers }` whose result is the run's inputs (default: the body). */
	mapping: expressionSchema.optional(),
	/**
	 * JQ over `{ body, headers }` naming the delivery, for senders without a delivery header:
	 * a repeat within 24 h answers with the run the first one started.
	 */
	dedupeKey: expressionSchema.optional(),
});

export const scheduleTriggerSchema = z.strictObject({
	type: z.literal("SCHEDULE_TRIGGER"),
	cron: z
		.string()
		.max(200)
		.superRefine((value, ctx) => {
			const problem = cronProblem(value);
			if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
		})
		.describe('Five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * MON-FRI".'),
	timezone: z
		.string()
		.max(MAX_IDENTIFIER_LENGTH)
		.refine(isKnownTimeZone, { message: "unknown IANA time zone" })
		.default("UTC"),
	/** Fixed inputs of every scheduled run (no templates: there is no context yet). */
	inputs: templatedRecordSchema.optional(),
	/**
	 * A tick while the previous scheduled run is not COMPLETED: `allow` starts it anyway,
	 * `skip` drops it, `buffer_one` keeps the latest such tick and starts it once that run ends.
	 */
	overlap: z.enum(["allow", "skip", "buffer_one"]).default("allow"),
	/**
	 * How late a missed tick (the service was down, an alarm was lost) may still start; of
	 * several missed ticks only the latest runs. Default 1 hour.
	 */
	catchupWindow: durationSchema.optional(),
});

const eventTypeSchema = z
	.string()
	.regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,199}$/, { message: "not an event type" });

export const eventTriggerSchema = z.strictObject({
	type: z.literal("EVENT_TRIGGER"),
	/**
	 * `type` is matched against the posted event's type; any other field
	 * (e.g. Port's `blueprintIdentifier`) must equal the event's same-named field.
	 */
	event: z.object({ type: eventTypeSchema }).catchall(z.string().max(200)),
	/** JQ over the event; all (`and`) or any (`or`) must be true for the run to start. */
	condition: z
		.strictObject({
			type: z.literal("JQ"),
			expressions: z.array(expressionSchema).min(1).max(MAX_EVENT_EXPRESSIONS),
			combinator: z.enum(["and", "or"]).default("and"),
		})
		.optional(),
});
