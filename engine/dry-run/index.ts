/**
 * Dry runs (docs/ARCHITECTURE.md#dry-runs): a definition played offline with the real run
 * engine against a fixture — scripted answers per WEBHOOK node (status, body, headers, a
 * delay, a network error or a timeout; per forEach item; per attempt), a clock of its own,
 * no network. Pure, so the CLI (`stepline test`, in Node) and the API
 * (`POST /v1/workflows/{identifier}/dry-run`, in workerd) run the same code.
 *
 *   dryRun(definition, fixture: unknown, options) →
 *     { kind: "report", report, expectations } | { kind: "invalid", issues }
 *
 * `issues` point into the fixture (`/responses/notfy`, `/inputs/message`). The report holds
 * the path taken, each rendered request, each condition's option values, the node results
 * and the run's outputs; `expectations` checks the fixture's `expect` against it.
 */
import type { DefinitionIssue, WorkflowDefinition } from "../definition";
import type { JsonObject } from "../run";
import { checkExpectations, type ExpectationOutcome } from "./expect";
import { type Fixture, parseFixture } from "./fixture";
import { buildReport, type DryRunReport } from "./report";
import { playRun } from "./runner";

export type { ExpectationFailure, ExpectationOutcome } from "./expect";
export { checkExpectations } from "./expect";
export type {
	Expectations,
	ExpectedRequest,
	Fixture,
	FixtureInput,
	FixtureResponse,
} from "./fixture";
export { fixtureSchema, parseFixture } from "./fixture";
export type { DryRunCondition, DryRunNode, DryRunReport, DryRunRequest } from "./report";
export { DEFAULT_ANSWER, MAX_DRY_RUN_EVENTS } from "./runner";

/** The check a start makes of its inputs, passed in so this module stays free of the API. */
export type InputsCheck = (
	userInputs: Record<string, unknown> | undefined,
	inputs: JsonObject,
) =>
	| { ok: true; inputs: JsonObject }
	| { ok: false; errors: Array<{ pointer: string; message: string }> };

export interface DryRunOptions {
	/** Where the clock starts (epoch ms) unless the fixture pins `startAt`. */
	now: number;
	/** `.run.id`, also the prefix of every Idempotency-Key; default "dry-run". */
	runId?: string;
	/** `.run.initiator`; default "dry-run". */
	initiator?: string;
	/** `.run.version`; default 1. */
	version?: number;
	/** As the server's ALLOW_LOOPBACK_TARGETS: without it, calls to loopback URLs are refused. */
	allowLoopbackTargets?: boolean;
	/** Checks the inputs against the trigger's form, applying its defaults; none: taken as given. */
	checkInputs?: InputsCheck;
}

export type DryRunOutcome =
	| { kind: "report"; report: DryRunReport; expectations: ExpectationOutcome }
	| { kind: "invalid"; issues: DefinitionIssue[] };

export function dryRun(
	definition: WorkflowDefinition,
	fixtureInput: unknown,
	options: DryRunOptions,
): DryRunOutcome {
	const parsed = parseFixture(fixtureInput, definition);
	if (!parsed.ok) return { kind: "invalid", issues: parsed.issues };
	const fixture = parsed.fixture;
	const inputs = checkedInputs(definition, fixture, options.checkInputs);
	if (!inputs.ok) return { kind: "invalid", issues: inputs.issues };
	const played = playRun(definition, fixture, inputs.inputs, {
		now: options.now,
		runId: options.runId ?? "dry-run",
		initiator: options.initiator ?? "dry-run",
		version: options.version ?? 1,
		allowLoopbackTargets: options.allowLoopbackTargets ?? false,
	});
	const report = buildReport(definition, played);
	return { kind: "report", report, expectations: checkExpectations(report, fixture.expect) };
}

/** The trigger the engine will start from (its default rule), and its form's verdict. */
function checkedInputs(
	definition: WorkflowDefinition,
	fixture: Fixture,
	check: InputsCheck | undefined,
): { ok: true; inputs: JsonObject } | { ok: false; issues: DefinitionIssue[] } {
	const given = fixture.inputs as JsonObject;
	if (check === undefined) return { ok: true, inputs: given };
	const triggers = definition.nodes.filter((n) => n.config.type.endsWith("_TRIGGER"));
	const trigger =
		fixture.trigger !== undefined
			? triggers.find((n) => n.identifier === fixture.trigger)
			: (triggers.find((n) => n.config.type === "SELF_SERVE_TRIGGER") ?? triggers[0]);
	const form = (trigger?.config as { userInputs?: Record<string, unknown> } | undefined)
		?.userInputs;
	const result = check(form, given);
	if (result.ok) return result;
	return {
		ok: false,
		issues: result.errors.map((e) => ({
			pointer: `/inputs${e.pointer}`,
			code: "invalid_input",
			message: e.message,
		})),
	};
}
