/**
 * The fixture of a dry run: the inputs, one scripted answer per outgoing call, and what the
 * run is expected to do. Authors write it by hand or from a recorded run, so every mistake
 * (a response for a node that makes no calls, an expected node that does not exist) is an
 * issue with a pointer, never a silently ignored key.
 */
import { z } from "zod";
import {
	type DefinitionIssue,
	durationSchema,
	fromZodIssue,
	jsonValueSchema,
	toPointer,
	type WorkflowDefinition,
} from "../definition";

const RESULTS = ["SUCCESS", "FAILED", "CANCELLED"] as const;

const headersSchema = z.record(z.string().min(1), z.string());

/** One scripted answer to one call. `delay` is how long it takes on the dry run's clock. */
const responseSchema = z.union([
	z.strictObject({
		status: z.number().int().min(100).max(599).default(200),
		body: jsonValueSchema.optional(),
		headers: headersSchema.optional(),
		delay: durationSchema.optional(),
	}),
	z.strictObject({
		error: z.enum(["network", "timeout"]),
		delay: durationSchema.optional(),
	}),
]);

/** What one request must look like; only the fields given are compared. */
const expectedRequestSchema = z.strictObject({
	method: z.string().optional(),
	url: z.string().optional(),
	/** Each header named must be sent with exactly this value (names compared case-insensitively). */
	headers: headersSchema.optional(),
	/** The fields given must be sent (objects: every key given, recursively; other values: equal). */
	body: jsonValueSchema.optional(),
});

export const fixtureSchema = z.strictObject({
	$schema: z.string().optional(),
	description: z.string().optional(),
	/** The run's inputs, checked against the trigger's `userInputs` as a real start checks them. */
	inputs: z.record(z.string(), jsonValueSchema).default({}),
	/** The trigger that starts the run; default: the first SELF_SERVE_TRIGGER, else the first trigger. */
	trigger: z.string().optional(),
	/** Where the dry run's clock starts (ISO 8601); default: now. Pin it when templates read `now`. */
	startAt: z.iso.datetime({ offset: true }).optional(),
	/**
	 * Answers by WEBHOOK node (`notify`) or by one forEach item (`notify#2`): one answer, or a
	 * list answering successive calls (attempts, items) in order, the last one repeating.
	 */
	responses: z
		.record(z.string(), z.union([responseSchema, z.array(responseSchema).min(1)]))
		.default({}),
	expect: z
		.strictObject({
			/** Default SUCCESS: a fixture that does not say otherwise expects the run to succeed. */
			result: z.enum(RESULTS).default("SUCCESS"),
			/** The nodes that ran (succeeded or failed), in the order they started. */
			path: z.array(z.string()).optional(),
			/** The run's outputs (the workflow's `outputs`), compared as JSON. */
			outputs: jsonValueSchema.optional(),
			/** A node's requests in the order sent (attempts and items): a list, or one request. */
			requests: z
				.record(z.string(), z.union([expectedRequestSchema, z.array(expectedRequestSchema)]))
				.optional(),
		})
		.default({ result: "SUCCESS" }),
});

export type Fixture = z.output<typeof fixtureSchema>;
export type FixtureInput = z.input<typeof fixtureSchema>;
export type FixtureResponse = z.output<typeof responseSchema>;
export type ExpectedRequest = z.output<typeof expectedRequestSchema>;
export type Expectations = Fixture["expect"];

export type FixtureParse =
	| { ok: true; fixture: Fixture }
	| { ok: false; issues: DefinitionIssue[] };

/**
 * Parses a fixture and checks it against the definition it is for: responses only for
 * WEBHOOK nodes (an item suffix only on a forEach one), expectations only about nodes that
 * exist, a trigger that is a trigger. Pointers are into the fixture.
 */
export function parseFixture(input: unknown, definition: WorkflowDefinition): FixtureParse {
	const parsed = fixtureSchema.safeParse(input ?? {});
	if (!parsed.success) return { ok: false, issues: parsed.error.issues.flatMap(fromZodIssue) };
	const fixture = parsed.data;
	const issues = [
		...responseKeyIssues(fixture, definition),
		...expectationIssues(fixture, definition),
		...triggerIssues(fixture, definition),
	];
	return issues.length > 0 ? { ok: false, issues } : { ok: true, fixture };
}

/** "notify#2" → { node: "notify", item: 2 }; "notify" → { node: "notify", item: null }. */
export function parseResponseKey(key: string): { node: string; item: number | null } {
	const match = /^(.*)#(\d+)$/.exec(key);
	return match?.[1] !== undefined && match[2] !== undefined
		? { node: match[1], item: Number(match[2]) }
		: { node: key, item: null };
}

const nodeById = (definition: WorkflowDefinition, id: string) =>
	definition.nodes.find((n) => n.identifier === id);

function responseKeyIssues(fixture: Fixture, definition: WorkflowDefinition): DefinitionIssue[] {
	return Object.keys(fixture.responses).flatMap((key): DefinitionIssue[] => {
		const pointer = toPointer(["responses", key]);
		const { node, item } = parseResponseKey(key);
		const found = nodeById(definition, node);
		if (found === undefined) {
			return [{ pointer, code: "unknown_node", message: `the definition has no node "${node}"` }];
		}
		if (found.config.type !== "WEBHOOK") {
			return [
				{
					pointer,
					code: "node_makes_no_calls",
					message: `"${node}" is a ${found.config.type} node; only WEBHOOK nodes make calls to answer`,
				},
			];
		}
		if (item !== null && found.forEach === undefined) {
			return [
				{
					pointer,
					code: "node_has_no_items",
					message: `"${node}" has no forEach, so there is no item ${item} to answer`,
				},
			];
		}
		return [];
	});
}

function expectationIssues(fixture: Fixture, definition: WorkflowDefinition): DefinitionIssue[] {
	const unknown = (pointer: string, node: string): DefinitionIssue[] =>
		nodeById(definition, node) === undefined
			? [{ pointer, code: "unknown_node", message: `the definition has no node "${node}"` }]
			: [];
	const { path, requests } = fixture.expect;
	return [
		...(path ?? []).flatMap((node, i) => unknown(`/expect/path/${i}`, node)),
		...Object.keys(requests ?? {}).flatMap((node) =>
			unknown(toPointer(["expect", "requests", node]), node),
		),
	];
}

function triggerIssues(fixture: Fixture, definition: WorkflowDefinition): DefinitionIssue[] {
	if (fixture.trigger === undefined) return [];
	const found = nodeById(definition, fixture.trigger);
	if (found?.config.type.endsWith("_TRIGGER")) return [];
	return [
		{
			pointer: "/trigger",
			code: "unknown_trigger",
			message: `the definition has no trigger node "${fixture.trigger}"`,
		},
	];
}
