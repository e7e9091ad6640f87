import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { condition, conn, type Json, trigger, webhook, workflow } from "./fixtures/builders";
import { validateDefinition, workflowDefinitionSchema } from "./index";

const portExample = JSON.parse(
	readFileSync(new URL("./fixtures/notify-on-demand.json", import.meta.url), "utf8"),
) as Json;

const good: Array<[string, Json]> = [
	["Port minimal example notify_on_demand, as written", portExample],
	[
		"parallel branches joined with joinStrategy any",
		workflow(
			[trigger(), webhook("a"), webhook("b"), webhook("join", { joinStrategy: "any" })],
			[
				conn("c1", "trigger", "a"),
				conn("c2", "trigger", "b"),
				conn("c3", "a", "join"),
				conn("c4", "b", "join"),
			],
		),
	],
	[
		"condition with options and a fallback",
		workflow(
			[
				trigger(),
				condition("check", ["prod", "staging"]),
				webhook("p"),
				webhook("s"),
				webhook("f"),
			],
			[
				conn("c1", "trigger", "check"),
				conn("c2", "check", "p", { sourceOptionIdentifier: "prod" }),
				conn("c3", "check", "s", { sourceOptionIdentifier: "staging" }),
				conn("c4", "check", "f", { fallback: true }),
			],
		),
	],
	[
		"onError connection to a handler",
		workflow(
			[trigger(), webhook("a"), webhook("on_fail")],
			[conn("c1", "trigger", "a"), conn("c2", "a", "on_fail", { onError: true })],
		),
	],
	[
		"forEach as an expression and as an object, with retry, timeout, startDelay, runIf",
		workflow(
			[
				trigger(),
				webhook("each", {
					forEach: ".inputs.services",
					retry: { maxAttempts: 5, backoff: "exponential", initialDelay: "2s", maxDelay: "1m" },
					timeout: "30s",
					startDelay: "PT5S",
					runIf: "{{ .inputs.enabled }}",
					maskOutput: true,
				}),
				webhook("each2", {
					forEach: { items: ".outputs.each", concurrency: 10 },
					retry: { maxAttempts: 3, backoff: "linear", retryOn: [429, 503] },
				}),
			],
			[conn("c1", "trigger", "each"), conn("c2", "each", "each2")],
		),
	],
	[
		"DELAY with duration and DELAY with until (literal and template)",
		workflow(
			[
				trigger(),
				{ identifier: "wait1", config: { type: "DELAY", duration: "1h30m" } },
				{ identifier: "wait2", config: { type: "DELAY", until: "2030-01-01T09:00:00Z" } },
				{ identifier: "wait3", config: { type: "DELAY", until: "{{ .inputs.when }}" } },
			],
			[conn("c1", "trigger", "wait1"), conn("c2", "wait1", "wait2"), conn("c3", "wait2", "wait3")],
		),
	],
	[
		"RUN_WORKFLOW child with inputs and a pinned version; workflow outputs, timeout, errorWorkflow",
		workflow(
			[
				trigger(),
				{
					identifier: "child",
					config: {
						type: "RUN_WORKFLOW",
						workflowIdentifier: "other_flow",
						inputs: { service: "{{ .inputs.service }}" },
						version: 3,
					},
				},
			],
			[conn("c1", "trigger", "child")],
			{ outputs: { result: "{{ .outputs.child }}" }, timeout: "P1D", errorWorkflow: "on_failure" },
		),
	],
	[
		"every trigger type; INPUT with outlets, buttons and a timeout outlet",
		workflow(
			[
				{
					identifier: "manual",
					config: {
						type: "SELF_SERVE_TRIGGER",
						userInputs: {
							properties: { env: { type: "string", enum: ["a", "b"] } },
							required: ["env"],
						},
						permissions: { roles: ["admin"], users: ["alice"] },
					},
				},
				{
					identifier: "hook",
					config: { type: "WEBHOOK_TRIGGER", includeHeaders: ["X-GitHub-Event"] },
				},
				{
					identifier: "nightly",
					config: { type: "SCHEDULE_TRIGGER", cron: "0 2 * * MON-FRI", timezone: "Europe/Paris" },
				},
				{
					identifier: "event_trigger",
					config: {
						type: "EVENT_TRIGGER",
						event: { type: "ENTITY_CREATED", blueprintIdentifier: "service" },
						condition: {
							type: "JQ",
							expressions: ['.diff.after.properties.tier == "tier_1"'],
							combinator: "and",
						},
					},
				},
				{
					identifier: "approve",
					config: {
						type: "INPUT",
						outlets: [{ identifier: "yes" }, { identifier: "no" }, { identifier: "expired" }],
						buttons: [
							{ title: "Approve", outlet: "yes" },
							{ title: "Decline", outlet: "no" },
						],
						numOfResponders: 2,
						timeout: { after: "1d", outlet: "expired" },
					},
				},
				webhook("deploy"),
			],
			[
				conn("c1", "manual", "approve"),
				conn("c2", "hook", "approve"),
				conn("c3", "nightly", "approve"),
				conn("c4", "event_trigger", "approve"),
				conn("c5", "approve", "deploy", { sourceOptionIdentifier: "yes" }),
			],
		),
	],
];

describe("good definitions are accepted", () => {
	it.each(good)("%s", (_name, def) => {
		const result = validateDefinition(def);
		expect(result.ok ? [] : result.issues).toEqual([]);
		expect(workflowDefinitionSchema.safeParse(def).success).toBe(true);
	});

	it("applies the documented defaults", () => {
		const result = validateDefinition(good[4]?.[1]);
		if (!result.ok) throw new Error("expected ok");
		const def = result.definition;
		expect(def.allowAnyoneToViewRuns).toBe(false);
		const each2 = def.nodes.find((n) => n.identifier === "each2");
		expect(each2?.forEach).toEqual({ items: ".outputs.each", concurrency: 10 });
		expect(each2?.retry).toMatchObject({ initialDelay: "1s", backoff: "linear" });
		const webhookNode = def.nodes[1];
		expect(webhookNode?.config).toMatchObject({ method: "POST", synchronized: true });
	});

	it("keeps the Port example's fields as written", () => {
		const result = validateDefinition(portExample);
		if (!result.ok) throw new Error("expected ok");
		expect(result.definition).toMatchObject(portExample);
	});

	it("defaults forEach concurrency to 4 and RUN_WORKFLOW wait to true", () => {
		const def = workflow(
			[
				trigger(),
				webhook("a", { forEach: { items: ".inputs.xs" } }),
				{ identifier: "b", config: { type: "RUN_WORKFLOW", workflowIdentifier: "x" } },
			],
			[conn("c1", "trigger", "a"), conn("c2", "a", "b")],
		);
		const result = validateDefinition(def);
		if (!result.ok) throw new Error(JSON.stringify(result.issues));
		expect(result.definition.nodes[1]?.forEach).toEqual({ items: ".inputs.xs", concurrency: 4 });
		expect(result.definition.nodes[2]?.config).toMatchObject({ wait: true });
	});
});
