import { z } from "zod";
import { MAX_EVENT_EXPRESSIONS, MAX_IDENTIFIER_LENGTH } from "../constants";
import {
	expressionSchema,
	identifierSchema,
	permissionsSchema,
	templatedRecordSchema,
	userInputsSchema,
} from "./common";
import { cronProblem, isKnownTimeZone } from "./cron";

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
	/** Require a Standard Webhooks signature made with the named tenant secret. */
	signature: z
		.strictObject({ type: z.literal("STANDARD_WEBHOOKS"), secret: identifierSchema })
		.optional(),
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
