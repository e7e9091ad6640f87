/**
 * The runs a run started besides its own steps, as the run's view shows them: for now, the error
 * workflow a failed run started (docs/ARCHITECTURE.md#error-workflows). Stored beside the engine
 * state; the run it links to links back (`errorOf` on its creation record).
 */
export interface RunLinks {
	errorRun: ErrorRunLink | null;
}

export type ErrorRunLink =
	| { status: "started"; runId: string; workflow: string }
	/** The error workflow did not start: deleted, no self-serve trigger, its inputs refuse `failedRun`. */
	| { status: "refused"; workflow: string; reason: string };

export const NO_LINKS: RunLinks = { errorRun: null };
