import type { Session } from "../api/session";

export function RunPage({ runId }: { runId: string; session: Session }) {
	return (
		<section>
			<h1 tabIndex={-1}>Run {runId}</h1>
		</section>
	);
}
