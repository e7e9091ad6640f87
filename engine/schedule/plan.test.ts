import { describe, expect, it } from "vitest";
import { cronProblem, ticksAfter } from "./cron";
import {
	BUFFER_POLL_MS,
	decideTick,
	freshState,
	reschedules,
	type ScheduleSpec,
	wakeAt,
} from "./plan";

const at = (iso: string) => Date.parse(iso);
const spec = (over: Partial<ScheduleSpec> = {}): ScheduleSpec => ({
	cron: "*/15 * * * *",
	timezone: "UTC",
	overlap: "allow",
	catchupMs: 60 * 60_000,
	paused: false,
	...over,
});

describe("schedule decisions", () => {
	it("fires the due tick once, and nothing before the schedule began", () => {
		const state = freshState(spec(), at("2030-01-01T00:05:00Z"), null);
		expect(decideTick(state, at("2030-01-01T00:10:00Z"), false)).toEqual({ kind: "idle" });
		expect(decideTick(state, at("2030-01-01T00:15:00Z"), false)).toEqual({
			kind: "fire",
			tickAt: at("2030-01-01T00:15:00Z"),
			passedOver: null,
		});
		const after = { ...state, doneThrough: at("2030-01-01T00:15:00Z") };
		expect(decideTick(after, at("2030-01-01T00:16:00Z"), false)).toEqual({ kind: "idle" });
		expect(wakeAt(after, at("2030-01-01T00:16:00Z"))).toBe(at("2030-01-01T00:30:00Z"));
	});

	it("after downtime runs only the latest missed tick, within the catch-up window", () => {
		const state = freshState(spec(), at("2030-01-01T00:00:00Z"), null);
		expect(decideTick(state, at("2030-01-01T02:05:00Z"), false)).toEqual({
			kind: "fire",
			tickAt: at("2030-01-01T02:00:00Z"),
			passedOver: at("2030-01-01T00:15:00Z"),
		});
		const strict = freshState(spec({ catchupMs: 60_000 }), at("2030-01-01T00:00:00Z"), null);
		expect(decideTick(strict, at("2030-01-01T02:05:00Z"), false)).toEqual({
			kind: "miss",
			tickAt: at("2030-01-01T02:00:00Z"),
		});
	});

	it("overlap: allow fires, skip skips, buffer_one buffers while the previous run is unfinished", () => {
		const now = at("2030-01-01T00:15:00Z");
		for (const [overlap, kind] of [
			["allow", "fire"],
			["skip", "skip"],
			["buffer_one", "buffer"],
		] as const) {
			const state = freshState(spec({ overlap }), at("2030-01-01T00:00:00Z"), null);
			expect(decideTick(state, now, true).kind).toBe(kind);
		}
		const buffered = {
			...freshState(spec({ overlap: "buffer_one" }), now, null),
			buffered: now,
		};
		expect(wakeAt(buffered, now)).toBe(now + BUFFER_POLL_MS);
	});

	it("a paused schedule decides nothing and sleeps; a new cron, zone or pause reschedules", () => {
		const paused = freshState(spec({ paused: true }), at("2030-01-01T00:00:00Z"), null);
		expect(decideTick(paused, at("2030-01-01T05:00:00Z"), false)).toEqual({ kind: "idle" });
		expect(wakeAt(paused, at("2030-01-01T05:00:00Z"))).toBeNull();
		expect(reschedules(spec(), spec({ cron: "0 * * * *" }))).toBe(true);
		expect(reschedules(spec(), spec({ timezone: "Europe/Paris" }))).toBe(true);
		expect(reschedules(spec(), spec({ paused: true }))).toBe(true);
		expect(reschedules(spec(), spec({ overlap: "skip", catchupMs: 1 }))).toBe(false);
	});
});

describe("cron (croner)", () => {
	it("refuses what it could never fire and names the field", () => {
		expect(cronProblem("0 9 * * MON-FRI")).toBeUndefined();
		expect(cronProblem("* * * *")).toMatch(/5 fields/);
		expect(cronProblem("61 * * * *")).toMatch(/minute/);
		expect(cronProblem("0 0 31 2 *")).toMatch(/never fires/);
	});

	it("keeps wall-clock times across daylight-saving changes", () => {
		const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
		expect(iso(ticksAfter("30 2 * * *", "Europe/Berlin", at("2030-03-30T00:00:00Z"), 3))).toEqual([
			"2030-03-30T01:30:00.000Z",
			"2030-03-31T01:00:00.000Z",
			"2030-04-01T00:30:00.000Z",
		]);
		expect(iso(ticksAfter("0 9 * * *", "America/New_York", at("2030-03-09T00:00:00Z"), 2))).toEqual(
			["2030-03-09T14:00:00.000Z", "2030-03-10T13:00:00.000Z"],
		);
	});
});
