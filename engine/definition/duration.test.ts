import { describe, expect, it } from "vitest";
import { MAX_DURATION_MS, parseDuration, tryParseDuration } from "./index";

describe("parseDuration", () => {
	it.each([
		["500ms", 500],
		["90s", 90_000],
		["2h", 7_200_000],
		["1d", 86_400_000],
		["1h30m", 5_400_000],
		["1d2h3m4s5ms", 93_784_005],
		["0s", 0],
		["PT1H30M", 5_400_000],
		["P1D", 86_400_000],
		["P2W", 14 * 86_400_000],
		["P1DT12H", 129_600_000],
		["PT0.5S", 500],
		["PT90S", 90_000],
		["365d", MAX_DURATION_MS],
	])("%s → %i ms", (input, ms) => {
		expect(parseDuration(input)).toBe(ms);
	});

	it.each([
		["", "not a duration"],
		["90", "not a duration"],
		["1.5h", "not a duration"],
		["30m1h", "largest first"],
		["1h1h", "largest first"],
		["P", "not a duration"],
		["PT", "not a duration"],
		["P1DT", "not a duration"],
		["P1M", "no fixed length"],
		["P1Y", "no fixed length"],
		["366d", "cap of 365 days"],
		["99999999999999999999d", "cap of 365 days"],
		["-5s", "not a duration"],
		["5 s", "not a duration"],
	])("refuses %j (%s)", (input, reason) => {
		const result = tryParseDuration(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toContain(reason);
		expect(() => parseDuration(input)).toThrow(RangeError);
	});
});
