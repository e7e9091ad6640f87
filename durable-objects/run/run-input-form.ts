/**
 * The run object's side of INPUT responses (docs/ARCHITECTURE.md#waiting-on-the-outside): a
 * response the run would take has its inputs checked against the node's form first, with the
 * rules and RE2 patterns of a run's start inputs, defaults applied. Only a response `decide`
 * would take is checked, so someone who may not answer learns nothing about the form.
 */
import type { InputResponseSignal, SignalAnswer } from "../../engine/control";
import { checkInputResponse, inputConfigOf, type Plan, type RunState } from "../../engine/run";
import { validateRunInputs } from "../../worker/runs/inputs";

export type CheckedResponse =
	| { kind: "checked"; signal: InputResponseSignal }
	| { kind: "refused"; answer: SignalAnswer };

export function checkResponseForm(
	plan: Plan,
	state: RunState | null,
	signal: InputResponseSignal,
): CheckedResponse {
	const config = inputConfigOf(plan, signal.node);
	if (state === null || config === null) return { kind: "checked", signal };
	const { kind: _, ...response } = signal;
	const check = checkInputResponse(plan, state, { type: "input_response", ...response });
	if (check.kind !== "take") return { kind: "checked", signal };
	const form = validateRunInputs(config.userInputs, signal.inputs);
	if (form.ok) return { kind: "checked", signal: { ...signal, inputs: form.inputs } };
	return {
		kind: "refused",
		answer: {
			kind: "refused",
			reason: "invalid",
			message: `the inputs do not match the form of ${signal.node}`,
			errors: form.errors,
		},
	};
}
