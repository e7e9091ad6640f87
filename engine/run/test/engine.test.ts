import { describe, expect, it } from "vitest";
import { Driver } from "./driver";
import type { Scenario } from "./scenario";
import { childScenarios } from "./scenarios-children";
import { decisionScenarios } from "./scenarios-decisions";
import { edgeScenarios } from "./scenarios-edges";
import { flowScenarios } from "./scenarios-flow";
import { forEachScenarios } from "./scenarios-foreach";
import { httpScenarios } from "./scenarios-http";
import { sealedScenarios } from "./scenarios-sealed";
import { secretForms, secretScenarios } from "./scenarios-secrets";

function play(s: Scenario, persist: boolean): Driver {
	return new Driver(s.definition, {
		inputs: s.inputs,
		script: s.script,
		persist,
		allowLoopbackTargets: s.allowLoopbackTargets,
		storedBytes: s.storedBytes,
		children: s.children,
		childEnds: s.childEnds,
		...(s.secrets ? { secrets: { values: new Map(Object.entries(s.secrets)) } } : {}),
		...(s.signingSecret ? { signingSecret: s.signingSecret } : {}),
	})
		.start()
		.runToEnd();
}

describe.each([
	["http", httpScenarios],
	["decisions", decisionScenarios],
	["flow", flowScenarios],
	["forEach", forEachScenarios],
	["edges", edgeScenarios],
	["secrets", secretScenarios],
	["sealed values", sealedScenarios],
	["child runs", childScenarios],
])("engine scenarios: %s", (_group, table) => {
	it.each(table.map((s) => [s.name, s] as const))("%s", (_name, s) => {
		const d = play(s, false);
		const e = s.expect;
		expect(d.run.status).toBe("COMPLETED");
		expect(d.run.result, d.details().join("\n")).toBe(e.result);
		if (e.errorCode !== undefined) expect(d.run.error?.code).toBe(e.errorCode);
		if (e.nodes !== undefined) expect(d.results()).toMatchObject(e.nodes);
		if (e.taken !== undefined) expect(d.taken()).toEqual(e.taken);
		if (e.outputs !== undefined) expect(d.run.outputs).toEqual(e.outputs);
		if (e.requests !== undefined) expect(d.requests).toHaveLength(e.requests);
		if (e.tookMs !== undefined)
			expect((d.run.endedAt ?? 0) - (d.run.startedAt ?? 0)).toBe(e.tookMs);
		for (const pattern of e.history ?? []) {
			expect(d.details(), `history should match ${pattern}`).toEqual(
				expect.arrayContaining([expect.stringMatching(pattern)]),
			);
		}
		s.check?.(d);
		// Nothing is ever left open once the run ended.
		for (const node of Object.values(d.state?.nodes ?? {})) expect(node.status).toBe("COMPLETED");
		expect(d.state?.timers).toEqual({});
		// A secret is sent, never stored: not in the state, not in the history, in no form.
		const stored = JSON.stringify([d.state, d.history]);
		for (const value of [...Object.values(s.secrets ?? {}), ...(s.hidden ?? [])]) {
			for (const form of secretForms(value))
				expect(stored, "a secret in the run").not.toContain(form);
		}
		// History seq is gapless from 1.
		expect(d.history.map((h) => h.seq)).toEqual(d.history.map((_, i) => i + 1));

		// Evicting between every pair of events (state rebuilt from stored rows) changes nothing.
		const evicted = play(s, true);
		expect(evicted.history).toEqual(d.history);
		// Sealing draws a fresh IV each time: compare sealed values by where they are, not by text.
		const comparable = (state: unknown) =>
			JSON.parse(JSON.stringify(state).replace(/"\$sealed":"[^"]*"/g, '"$sealed":"…"'));
		expect(comparable(evicted.state)).toEqual(comparable(d.state));
	});
});
