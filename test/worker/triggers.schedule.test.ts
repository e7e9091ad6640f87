import { describe, expect, it } from "vitest";
import { expectProblem } from "./helpers";
import { scheduledTenant, scheduleWorkflow, tickTimes } from "./schedule-helpers";

describe("schedules", { timeout: 60_000 }, () => {
	it("starts one run per tick, sleeping on its alarm until the next", async () => {
		const s = await scheduledTenant("2030-01-01T00:00:00Z");
		expect(await s.alarm()).toBe(Date.parse("2030-01-01T00:15:00Z"));
		expect(await s.at("2030-01-01T00:15:00Z")).toBe(true);
		const [run] = await s.runs();
		expect(run?.trigger).toEqual({
			type: "SCHEDULE_TRIGGER",
			node: "every",
			tickAt: "2030-01-01T00:15:00.000Z",
		});
		const full = await s.admin.call(`/v1/workflows/runs/${run?.id}`);
		expect(full.body.inputs).toEqual({ source: "schedule" });
		expect(full.body.initiator).toBe("schedule:every");
		// The alarm again within the same tick (alarms are at-least-once) starts nothing more.
		await s.at("2030-01-01T00:15:20Z");
		expect(await s.runs()).toHaveLength(1);
		expect(await s.alarm()).toBe(Date.parse("2030-01-01T00:30:00Z"));
		await s.at("2030-01-01T00:30:01Z");
		expect(tickTimes(await s.runs())).toEqual([
			"2030-01-01T00:15:00.000Z",
			"2030-01-01T00:30:00.000Z",
		]);
		const schedule = await s.schedule();
		expect(schedule.nextTicks).toHaveLength(5);
		expect(
			schedule.lastFires.map((f: { tickAt: string; outcome: string }) => [f.tickAt, f.outcome]),
		).toEqual([
			["2030-01-01T00:30:00.000Z", "started"],
			["2030-01-01T00:15:00.000Z", "started"],
		]);
		expect(schedule.lastFires[0].runId).toMatch(/^run_/);
		const filtered = await s.admin.call("/v1/workflows/runs?triggerType=SCHEDULE_TRIGGER");
		expect(filtered.body.data).toHaveLength(2);
	});

	it("fires at wall-clock times in its time zone across daylight-saving changes", async () => {
		const s = await scheduledTenant(
			"2030-03-30T00:00:00Z",
			scheduleWorkflow("berlin", { cron: "30 2 * * *", timezone: "Europe/Berlin" }),
		);
		// 02:30 CET is 01:30Z; on 31 March 02:30 does not exist and the tick is the first minute
		// after the gap (03:00 CEST, 01:00Z); from then on 02:30 CEST is 00:30Z.
		expect(await s.alarm()).toBe(Date.parse("2030-03-30T01:30:00Z"));
		await s.at("2030-03-30T01:30:00Z");
		expect(await s.alarm()).toBe(Date.parse("2030-03-31T01:00:00Z"));
		await s.at("2030-03-31T01:00:00Z");
		expect(await s.alarm()).toBe(Date.parse("2030-04-01T00:30:00Z"));
		await s.at("2030-04-01T00:30:00Z");
		expect(tickTimes(await s.runs())).toEqual([
			"2030-03-30T01:30:00.000Z",
			"2030-03-31T01:00:00.000Z",
			"2030-04-01T00:30:00.000Z",
		]);
		// In October 02:30 happens twice; the schedule fires once, at the first.
		const autumn = await scheduledTenant(
			"2030-10-26T12:00:00Z",
			scheduleWorkflow("berlin_autumn", { cron: "30 2 * * *", timezone: "Europe/Berlin" }),
		);
		await autumn.at("2030-10-27T00:30:00Z");
		await autumn.at("2030-10-27T01:30:00Z");
		expect(tickTimes(await autumn.runs())).toEqual(["2030-10-27T00:30:00.000Z"]);
		expect(await autumn.alarm()).toBe(Date.parse("2030-10-28T01:30:00Z"));
	});

	it("overlap skip starts no run while the previous one is unfinished", async () => {
		const s = await scheduledTenant(
			"2030-01-01T00:00:00Z",
			scheduleWorkflow("skips", { overlap: "skip" }),
		);
		await s.at("2030-01-01T00:15:00Z");
		await s.at("2030-01-01T00:30:00Z");
		const [first] = await s.runs();
		expect(await s.runs()).toHaveLength(1);
		await s.admin.call(`/v1/workflows/runs/${first?.id}/cancel`, { method: "POST" });
		await s.at("2030-01-01T00:45:00Z");
		expect(tickTimes(await s.runs())).toEqual([
			"2030-01-01T00:15:00.000Z",
			"2030-01-01T00:45:00.000Z",
		]);
		const fires = (await s.schedule()).lastFires.map((f: { outcome: string }) => f.outcome);
		expect(fires).toEqual(["started", "skipped", "started"]);
	});

	it("overlap buffer_one keeps the latest tick and starts it once the previous run ends", async () => {
		const s = await scheduledTenant(
			"2030-01-01T00:00:00Z",
			scheduleWorkflow("buffers", { overlap: "buffer_one" }),
		);
		await s.at("2030-01-01T00:15:00Z");
		await s.at("2030-01-01T00:30:00Z");
		await s.at("2030-01-01T00:45:00Z");
		const [first] = await s.runs();
		expect(await s.runs()).toHaveLength(1);
		// While a tick is buffered the object looks at the previous run every 30 s.
		expect(await s.alarm()).toBe(Date.parse("2030-01-01T00:45:30Z"));
		await s.admin.call(`/v1/workflows/runs/${first?.id}/cancel`, { method: "POST" });
		await s.at("2030-01-01T00:45:30Z");
		expect(tickTimes(await s.runs())).toEqual([
			"2030-01-01T00:15:00.000Z",
			"2030-01-01T00:45:00.000Z",
		]);
		await s.at("2030-01-01T00:46:00Z");
		expect(await s.runs()).toHaveLength(2);
	});

	it("pauses and resumes without catching up the ticks it slept through", async () => {
		const s = await scheduledTenant("2030-01-01T00:00:00Z");
		const path = `/v1/workflows/${s.identifier}/triggers/every`;
		const paused = await s.admin.call(path, { method: "PATCH", body: { paused: true } });
		expect(paused.status).toBe(200);
		expect(paused.body.schedule).toMatchObject({ paused: true, nextTicks: [] });
		expect(await s.alarm()).toBeNull();
		expect(await s.at("2030-01-01T01:00:00Z")).toBe(false);
		const resumed = await s.admin.call(path, { method: "PATCH", body: { paused: false } });
		expect(resumed.body.schedule.paused).toBe(false);
		expect(await s.runs()).toHaveLength(0);
		expect(await s.alarm()).toBe(Date.parse("2030-01-01T01:15:00Z"));
		await s.at("2030-01-01T01:15:00Z");
		expect(tickTimes(await s.runs())).toEqual(["2030-01-01T01:15:00.000Z"]);
		expectProblem(
			await s.viewer.call(path, { method: "PATCH", body: { paused: true } }),
			403,
			"forbidden",
		);
	});

	it("after downtime runs only the latest missed tick, and only within the catch-up window", async () => {
		const s = await scheduledTenant("2030-01-01T00:00:00Z");
		// Down from 00:10 to 03:05: eleven ticks missed, the latest (03:00) runs.
		await s.at("2030-01-01T03:05:00Z");
		expect(tickTimes(await s.runs())).toEqual(["2030-01-01T03:00:00.000Z"]);

		const strict = await scheduledTenant(
			"2030-01-01T00:00:00Z",
			scheduleWorkflow("strict", { catchupWindow: "2m" }),
		);
		await strict.at("2030-01-01T03:05:00Z");
		expect(await strict.runs()).toHaveLength(0);
		expect((await strict.schedule()).lastFires[0]).toMatchObject({
			tickAt: "2030-01-01T03:00:00.000Z",
			outcome: "missed",
		});
		await strict.at("2030-01-01T03:15:30Z");
		expect(tickTimes(await strict.runs())).toEqual(["2030-01-01T03:15:00.000Z"]);
	});

	it("reschedules on a new version and stops when the workflow is deleted", async () => {
		const s = await scheduledTenant("2030-01-01T00:00:00Z");
		await s.at("2030-01-01T00:15:00Z");
		// Hourly from now on: the object moves its alarm to the new cron's next tick.
		const hourly = scheduleWorkflow(s.identifier, { cron: "0 * * * *" });
		expect(
			(await s.admin.call(`/v1/workflows/${s.identifier}`, { method: "PUT", body: hourly })).status,
		).toBe(200);
		expect(await s.alarm()).toBe(Date.parse("2030-01-01T01:00:00Z"));
		await s.at("2030-01-01T00:30:00Z");
		expect(await s.runs()).toHaveLength(1);
		await s.at("2030-01-01T01:00:00Z");
		expect(tickTimes(await s.runs())).toEqual([
			"2030-01-01T00:15:00.000Z",
			"2030-01-01T01:00:00.000Z",
		]);
		expect((await s.admin.call(`/v1/workflows/${s.identifier}`, { method: "DELETE" })).status).toBe(
			204,
		);
		expect(await s.alarm()).toBeNull();
		expect(await s.at("2030-01-01T02:00:00Z")).toBe(false);
		expect(await s.runs()).toHaveLength(2);
	});
});
