/**
 * One row of the engine's scenario tables: definition + inputs + scripted responses →
 * expected path, node results, run result and history. engine.test.ts plays each row twice:
 * in memory, and rebuilding the state from stored rows before every event.
 */
import type { JsonObject, JsonValue } from "../index";
import type { Json } from "./defs";
import type { Driver, DriverOptions, Scripted } from "./driver";

export interface Scenario {
	name: string;
	definition: Json;
	inputs?: JsonObject;
	script?: Record<string, Scripted[]>;
	allowLoopbackTargets?: boolean;
	/** What the shell reports the run has stored (DriverOptions.storedBytes). */
	storedBytes?: number;
	/** Tenant secrets handed to every step (see DriverOptions.secrets). */
	secrets?: Record<string, string>;
	/** How the host answers each task's child starts, by attempt (DriverOptions.children). */
	children?: DriverOptions["children"];
	/** How each task's waited-for children end, by attempt (DriverOptions.childEnds). */
	childEnds?: DriverOptions["childEnds"];
	/** Values (secret inputs) that must never be in the state or the history, in any form. */
	hidden?: string[];
	/** The tenant's default signing secret (AdvanceEnv.signingSecret). */
	signingSecret?: string;
	expect: {
		result: "SUCCESS" | "FAILED" | "CANCELLED";
		nodes?: Record<string, "SUCCESS" | "FAILED" | "CANCELLED" | "SKIPPED" | null>;
		taken?: string[];
		history?: RegExp[];
		outputs?: JsonValue;
		errorCode?: string;
		/** Run duration on the fake clock. */
		tookMs?: number;
		requests?: number;
	};
	check?: (d: Driver) => void;
}

export const ok = (body: JsonValue = { ok: true }): Scripted => ({ status: 200, body });
