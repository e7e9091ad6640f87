import type { EventTriggerConfig } from "../../engine/definition";
import { ExprLimitError, ExprRuntimeError, first } from "../../engine/expr";

/** A posted event: `id` and `type`, any other top-level fields, `diff` and `entity` as sent. */
export type TenantEvent = { id: string; type: string } & Record<string, unknown>;

/** Port's entity events; a trigger on ANY_ENTITY_CHANGE listens to all three. */
export const ENTITY_EVENT_TYPES = ["ENTITY_CREATED", "ENTITY_UPDATED", "ENTITY_DELETED"] as const;
export const ANY_ENTITY_CHANGE = "ANY_ENTITY_CHANGE";

/** The trigger types an event of `type` may start: its own, and ANY_ENTITY_CHANGE for entities. */
export function listeningTypes(type: string): string[] {
	return (ENTITY_EVENT_TYPES as readonly string[]).includes(type)
		? [type, ANY_ENTITY_CHANGE]
		: [type];
}

/** `error`: the condition failed to evaluate (the trigger then matches nothing). */
export type MatchResult =
	| { matches: boolean; error?: undefined }
	| { matches: false; error: string };

/**
 * Does `event` start a run of this trigger? Its type (or ANY_ENTITY_CHANGE for an entity event),
 * every other field of the trigger's `event` equal to the event's same-named field, and its JQ
 * condition (all expressions for `and`, any for `or`; false and null are false) over the event.
 * A condition that fails to evaluate matches nothing and says why. Pure.
 */
export function matchEvent(config: EventTriggerConfig, event: TenantEvent): MatchResult {
	const { type, ...fields } = config.event;
	if (!listeningTypes(event.type).includes(type)) return { matches: false };
	for (const [field, value] of Object.entries(fields)) {
		if (event[field] !== value) return { matches: false };
	}
	const condition = config.condition;
	if (!condition) return { matches: true };
	try {
		const truthy = (expression: string) => {
			const value = first(expression, event);
			return value !== false && value !== null && value !== undefined;
		};
		const holds =
			condition.combinator === "or"
				? condition.expressions.some(truthy)
				: condition.expressions.every(truthy);
		return { matches: holds };
	} catch (err) {
		if (err instanceof ExprRuntimeError || err instanceof ExprLimitError)
			return { matches: false, error: err.message };
		throw err;
	}
}
