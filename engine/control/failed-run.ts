import type { RunHeader } from "../run";
import type { RunMeta } from "./run-meta";
import type { FailedRun } from "./sending";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The error workflow's `failedRun` input for a run that ended FAILED. */
export function failedRunOf(meta: RunMeta, header: RunHeader): FailedRun {
	const { error } = header;
	return {
		id: meta.runId,
		workflow: meta.workflow.identifier,
		version: meta.workflow.version,
		error: error ? { code: error.code, message: error.message } : null,
		failedNode: error?.node ?? null,
		inputs: meta.inputs,
		initiator: meta.initiator,
		startedAt: iso(header.startedAt),
		endedAt: iso(header.endedAt),
		url: `/v1/workflows/runs/${meta.runId}`,
	};
}
