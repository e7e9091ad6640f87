/**
 * How large a run may grow (docs/ARCHITECTURE.md#how-a-run-is-stored). Each attempt keeps only
 * an excerpt of its answer (RESPONSE_EXCERPT_BYTES); these two bound the rest: what one node
 * keeps as its output, and what the whole run may store before it fails. Together they keep
 * every run readable: no read of a run is ever larger than its stored state.
 */
import type { JsonValue } from "./json";

/** A node's or forEach item's output, as JSON in UTF-8; past it the node fails `output_too_large`. */
export const MAX_OUTPUT_BYTES = 256 * 1024;

/**
 * Characters of JSON a run stores (its log, history and snapshot: what its object keeps on
 * disk, as the host counts it); past it the run fails `run_too_large` at its next step.
 */
export const MAX_RUN_STORED_BYTES = 16 * 1024 * 1024;

const utf8 = new TextEncoder();

/** Why `output` cannot be kept, or null when it fits. */
export function outputTooLarge(node: string, output: JsonValue): string | null {
	const json = JSON.stringify(output) ?? "null";
	// Each UTF-16 unit is at most 3 bytes of UTF-8: only a string that may be over is encoded.
	if (json.length * 3 <= MAX_OUTPUT_BYTES) return null;
	const bytes = utf8.encode(json).length;
	if (bytes <= MAX_OUTPUT_BYTES) return null;
	return `${node}'s output is ${bytes} bytes of JSON, over the ${MAX_OUTPUT_BYTES} a node keeps (256 KiB): map the part you need with \`variables\``;
}
