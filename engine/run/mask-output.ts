/**
 * `maskOutput: true` (docs/ARCHITECTURE.md#secrets): the node's output, and each forEach item's,
 * is stored sealed, reads as REDACTED everywhere, and still reaches later templates opened
 * (context.ts). Sealing happens here, when the output is made, so the state never holds it.
 */
import { outputTooLarge } from "./bounds";
import type { ResponseExcerpt } from "./http-response";
import type { JsonValue } from "./json";
import { maskHeaders, REDACTED } from "./masking";
import { plannedNode } from "./plan";
import { isSealed, openSealed, outputPlace } from "./sealing";
import type { ErrorInfo } from "./state";
import type { Step } from "./step";

export type Kept = { ok: true; value: JsonValue } | { ok: false; error: ErrorInfo };

const masks = (step: Step, node: string) => {
	const planned = plannedNode(step.plan, node);
	// A trigger's output is the inputs: its maskOutput seals them all before the run exists.
	return planned.node.maskOutput === true && planned.kind.kind !== "trigger";
};

/**
 * The output as the node keeps it: refused past MAX_OUTPUT_BYTES (a trigger's is the run's
 * inputs, bounded by the request body limit), sealed when the node masks its output.
 */
export function keptOutput(step: Step, node: string, output: JsonValue): Kept {
	const tooLarge =
		plannedNode(step.plan, node).kind.kind === "trigger" || isSealed(output)
			? null
			: outputTooLarge(node, output);
	if (tooLarge !== null)
		return { ok: false, error: { code: "output_too_large", message: tooLarge } };
	if (!masks(step, node) || isSealed(output)) return { ok: true, value: output };
	const sealer = step.env.sealer;
	if (sealer === undefined) return failed("no key to seal it with was given");
	try {
		const place = outputPlace(step.state.header.workflow.identifier, node);
		return { ok: true, value: sealer.seal(output, place) as unknown as JsonValue };
	} catch (error) {
		return failed(error instanceof Error ? error.message : String(error));
	}
}

/**
 * The start of an answer as an attempt keeps it: credential-looking headers hidden by name (the
 * caller masked secret values already), and for a node that masks its output, nothing of the
 * answer but its size, since the answer is what the output is made of.
 */
export function keptResponse(step: Step, node: string, excerpt: ResponseExcerpt): ResponseExcerpt {
	if (!masks(step, node)) return { ...excerpt, headers: maskHeaders(excerpt.headers) };
	return {
		headers: {},
		headersTruncated: false,
		body: REDACTED,
		bodyBytes: excerpt.bodyBytes,
		bodyTruncated: false,
	};
}

/** A forEach item's kept output, opened again to build the node's list. */
export function openedOutput(step: Step, node: string, kept: JsonValue): Kept {
	if (!isSealed(kept)) return { ok: true, value: kept };
	const place = outputPlace(step.state.header.workflow.identifier, node);
	const opened = openSealed(step.env.sealer, kept, place);
	return opened.ok ? opened : failed(opened.why);
}

function failed(why: string): Kept {
	return {
		ok: false,
		error: {
			code: "secret_unreadable",
			message: `maskOutput: the output cannot be sealed or opened: ${why}`,
		},
	};
}
