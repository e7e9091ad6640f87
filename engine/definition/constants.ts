/**
 * Caps and vocabularies of the workflow definition format (engine/definition/README.md).
 * They live in one file so the routes, the docs and the run engine quote the
 * same numbers; every cap is enforced by the schema or the save-time checks.
 */

/** Whole request body; enforced by the route on the raw bytes, before JSON.parse. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;
export const MAX_NODES = 200;
export const MAX_CONNECTIONS = 1000;
export const MAX_IDENTIFIER_LENGTH = 100;
export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 5000;
/** JQ expressions and single template strings (runIf, conditions, …). */
export const MAX_EXPRESSION_LENGTH = 10_000;
export const MAX_URL_LENGTH = 4096;
/** A WEBHOOK `query` parameter's name. */
export const MAX_QUERY_NAME_LENGTH = 200;
/** Serialized size of one free-form JSON value (a webhook body, an inputs map, …). */
export const MAX_JSON_VALUE_BYTES = 256 * 1024;
/**
 * Nesting depth of free-form JSON values. Checked iteratively so that a
 * pathological `[[[[…]]]]` body is a 422, not a stack overflow in the validator.
 */
export const MAX_JSON_DEPTH = 64;
/**
 * Nesting depth of a whole definition document (a merge patch of one): a free-form value at
 * its deepest place (a node's body, an input's schema) sits under a handful of fixed levels.
 */
export const MAX_DEFINITION_DEPTH = MAX_JSON_DEPTH + 16;
export const MAX_CONDITION_OPTIONS = 50;
export const MAX_EVENT_EXPRESSIONS = 20;
export const MAX_INPUT_OUTLETS = 20;
export const MAX_RECORD_ENTRIES = 200;
export const MAX_FOREACH_CONCURRENCY = 50;
export const DEFAULT_FOREACH_CONCURRENCY = 4;
export const MAX_RETRY_ATTEMPTS = 20;
/** Upper bound of every duration in a definition (timeouts, delays, backoff). */
export const MAX_DURATION_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Identifiers of workflows, nodes, connections, options and outlets: letters,
 * digits, `_` and `-`, starting with a letter or `_`, at most 100 characters.
 * Kept URL- and JQ-path-safe (`.outputs.my_node` needs no quoting unless it has `-`).
 * This pattern is the whole rule (length included), for path parameters.
 */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;

/**
 * The character rule alone: the schema checks the length separately, so a
 * long name gets one "too long" issue rather than a pattern issue as well.
 */
export const IDENTIFIER_CHARS_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export const TRIGGER_TYPES = [
	"SELF_SERVE_TRIGGER",
	"WEBHOOK_TRIGGER",
	"SCHEDULE_TRIGGER",
	"EVENT_TRIGGER",
] as const;

export const ACTION_TYPES = ["WEBHOOK", "CONDITION", "INPUT", "DELAY", "RUN_WORKFLOW"] as const;

export const KNOWN_NODE_TYPES = [...TRIGGER_TYPES, ...ACTION_TYPES] as const;

export type TriggerType = (typeof TRIGGER_TYPES)[number];
export type NodeType = (typeof KNOWN_NODE_TYPES)[number];

export function isTriggerType(type: string): type is TriggerType {
	return (TRIGGER_TYPES as readonly string[]).includes(type);
}
