import { describe, expect, it } from "vitest";
import { as, expectProblem, uniqueTenant } from "./helpers";

const SHARDS = 10;
const TIERS = ["gold", "silver"];

/** Five event triggers per workflow, each selecting by type, fields and a condition on its shard. */
function eventWorkflow(shard: number) {
	const onShard = `.entity.properties.shard == ${shard}`;
	const triggers = [
		{ type: "ENTITY_CREATED", blueprintIdentifier: "service" },
		{ type: "ANY_ENTITY_CHANGE", blueprintIdentifier: "service" },
		{ type: "ENTITY_UPDATED", blueprintIdentifier: "service", extra: '.diff.after.tier == "gold"' },
		{ type: "deploy.finished", extra: '.env == "prod"', combinator: "or" },
		{ type: "TIMER_EXPIRED", blueprintIdentifier: "service", propertyIdentifier: "expires" },
	];
	return {
		identifier: `events_${shard}`,
		title: `Events ${shard}`,
		nodes: triggers.map(({ extra, combinator, ...event }, k) => ({
			identifier: `t${k}`,
			config: {
				type: "EVENT_TRIGGER",
				event,
				condition: {
					type: "JQ",
					// `or` on the deploy trigger: its shard, or any prod deploy.
					expressions: extra ? [onShard, extra] : [onShard],
					combinator: combinator ?? "and",
				},
			},
		})),
		connections: [],
	};
}

const TYPES = [
	"ENTITY_CREATED",
	"ENTITY_UPDATED",
	"ENTITY_DELETED",
	"deploy.finished",
	"TIMER_EXPIRED",
];

function eventAt(j: number) {
	const type = TYPES[j % TYPES.length] as string;
	return {
		id: `evt-${j}`,
		type,
		blueprintIdentifier: j % 7 === 0 ? "team" : "service",
		propertyIdentifier: type === "TIMER_EXPIRED" ? (j % 3 === 0 ? "other" : "expires") : undefined,
		env: type === "deploy.finished" && j % 4 === 0 ? "prod" : "staging",
		entity: { identifier: `svc-${j}`, properties: { shard: (j * 3) % SHARDS } },
		diff: { after: { tier: TIERS[j % 2] } },
	};
}

/** What the triggers above select, written out plainly: (event id, workflow, node) triples. */
function expectedMatches(events: ReturnType<typeof eventAt>[]): string[] {
	const out: string[] = [];
	for (const e of events) {
		for (let shard = 0; shard < SHARDS; shard++) {
			const onShard = e.entity.properties.shard === shard;
			const service = e.blueprintIdentifier === "service";
			const entity = ["ENTITY_CREATED", "ENTITY_UPDATED", "ENTITY_DELETED"].includes(e.type);
			const hits = [
				e.type === "ENTITY_CREATED" && service && onShard,
				entity && service && onShard,
				e.type === "ENTITY_UPDATED" && service && onShard && e.diff.after.tier === "gold",
				e.type === "deploy.finished" && (onShard || e.env === "prod"),
				e.type === "TIMER_EXPIRED" && service && e.propertyIdentifier === "expires" && onShard,
			];
			hits.forEach((hit, k) => {
				if (hit) out.push(`${e.id} events_${shard} t${k}`);
			});
		}
	}
	return out.sort();
}

async function allRuns(admin: Awaited<ReturnType<typeof as>>) {
	const runs: {
		id: string;
		workflow: { identifier: string };
		trigger: { node: string; eventId: string };
	}[] = [];
	let cursor = "";
	for (;;) {
		const page = await admin.call(
			`/v1/workflows/runs?triggerType=EVENT_TRIGGER&limit=100${cursor ? `&cursor=${cursor}` : ""}`,
		);
		runs.push(...page.body.data);
		if (!page.body.nextCursor) return runs;
		cursor = page.body.nextCursor;
	}
}

describe("events", { timeout: 60_000 }, () => {
	it("a batch of 100 events against 50 triggers starts exactly the runs the conditions select", {
		timeout: 120_000,
	}, async () => {
		const tenant = uniqueTenant("events");
		const admin = await as({ tenant, role: "admin" });
		for (let shard = 0; shard < SHARDS; shard++) {
			const res = await admin.call("/v1/workflows", { method: "POST", body: eventWorkflow(shard) });
			expect(res.status, JSON.stringify(res.body)).toBe(201);
		}
		const events = Array.from({ length: 100 }, (_, j) => eventAt(j));
		const expected = expectedMatches(events);
		expect(expected.length).toBeGreaterThan(50);

		const res = await admin.call("/v1/events", { method: "POST", body: events });
		expect(res.status).toBe(202);
		expect(res.body.data.map((d: { id: string }) => d.id)).toEqual(events.map((e) => e.id));
		const answered = res.body.data
			.flatMap(
				(d: {
					id: string;
					matched: { workflow: string; node: string; runId: string | null; error: string | null }[];
				}) =>
					d.matched.map((m) => {
						expect(m.error).toBeNull();
						expect(m.runId).toMatch(/^run_/);
						return `${d.id} ${m.workflow} ${m.node}`;
					}),
			)
			.sort();
		expect(answered).toEqual(expected);

		const runs = await allRuns(admin);
		expect(
			runs.map((r) => `${r.trigger.eventId} ${r.workflow.identifier} ${r.trigger.node}`).sort(),
		).toEqual(expected);

		// The same ids again within 24 h: nothing new starts, and the answer is the same.
		const again = await admin.call("/v1/events", { method: "POST", body: events });
		expect(again.body.data.every((d: { duplicate: boolean }) => d.duplicate)).toBe(true);
		expect(again.body.data.map((d: { matched: unknown }) => d.matched)).toEqual(
			res.body.data.map((d: { matched: unknown }) => d.matched),
		);
		expect(await allRuns(admin)).toHaveLength(expected.length);
	});

	it("takes one event, with the event as the run's inputs", async () => {
		const tenant = uniqueTenant("event1");
		const admin = await as({ tenant, role: "admin" });
		await admin.call("/v1/workflows", { method: "POST", body: eventWorkflow(3) });
		const event = {
			id: "one",
			type: "ENTITY_CREATED",
			blueprintIdentifier: "service",
			entity: { identifier: "svc", properties: { shard: 3 } },
		};
		const res = await admin.call("/v1/events", { method: "POST", body: event });
		expect(res.status).toBe(202);
		const matched = res.body.data[0].matched;
		expect(matched.map((m: { node: string }) => m.node).sort()).toEqual(["t0", "t1"]);
		const run = await admin.call(`/v1/workflows/runs/${matched[0].runId}`);
		expect(run.body.inputs).toEqual(event);
		expect(run.body.trigger).toEqual({
			type: "EVENT_TRIGGER",
			node: matched[0].node,
			eventId: "one",
		});
	});

	it("needs a member or an admin (with events:write when scoped), and a well-formed event", async () => {
		const tenant = uniqueTenant("eventauth");
		const event = { id: "x", type: "custom.thing" };
		const viewer = await as({ tenant, role: "viewer" });
		expectProblem(
			await viewer.call("/v1/events", { method: "POST", body: event }),
			403,
			"forbidden",
		);
		// The scope does not lift the role: a scoped viewer is still a viewer.
		const scopedViewer = await as({ tenant, role: "viewer", claims: { scope: "events:write" } });
		expectProblem(
			await scopedViewer.call("/v1/events", { method: "POST", body: event }),
			403,
			"forbidden",
		);
		const otherScope = await as({ tenant, role: "member", claims: { scope: "runs:write" } });
		expectProblem(
			await otherScope.call("/v1/events", { method: "POST", body: event }),
			403,
			"insufficient_scope",
		);
		const scoped = await as({ tenant, role: "member", claims: { scope: "events:write" } });
		expect((await scoped.call("/v1/events", { method: "POST", body: event })).status).toBe(202);
		const bad = await scoped.call("/v1/events", {
			method: "POST",
			body: [event, { id: "", type: "ok" }],
		});
		const problem = expectProblem(bad, 422, "validation_failed");
		expect(problem.errors?.[0]?.pointer).toBe("/1/id");
		const tooMany = Array.from({ length: 101 }, (_, i) => ({ id: `e${i}`, type: "t" }));
		expectProblem(
			await scoped.call("/v1/events", { method: "POST", body: tooMany }),
			422,
			"validation_failed",
		);
	});

	it("refuses a TIMER_EXPIRED trigger without its blueprint and property at save time", async () => {
		const admin = await as({ tenant: uniqueTenant("timer"), role: "admin" });
		const res = await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: "timer",
				title: "Timer",
				nodes: [
					{ identifier: "t", config: { type: "EVENT_TRIGGER", event: { type: "TIMER_EXPIRED" } } },
				],
				connections: [],
			},
		});
		const problem = expectProblem(res, 422, "validation_failed");
		expect(problem.errors?.map((e) => e.pointer).sort()).toEqual([
			"/nodes/0/config/event/blueprintIdentifier",
			"/nodes/0/config/event/propertyIdentifier",
		]);
	});
});
