// What a WAITING node waits on from outside its run: an INPUT's request (with its answers, and
// the form for someone who may answer), an async call's callback, or a child run. The run page
// follows the run's stream, so an answer or a callback shows here as soon as the run stores it.
import { getSession } from "../api/session";
import type { Run, Waiting } from "../api/types";
import { href } from "../lib/router";
import { InputRequestView, mayAnswer } from "./input-request";
import { TimeText } from "./time-text";

export function WaitingOn({ waiting, run, node }: { waiting: Waiting; run: Run; node: string }) {
	switch (waiting.kind) {
		case "input": {
			const session = getSession();
			return (
				<section class="waiting-on" aria-label={`Input request of ${node}`}>
					<h4>{waiting.title ?? "Waiting for an answer"}</h4>
					<p class="meta">
						Asked <TimeText iso={waiting.since} />
					</p>
					<InputRequestView
						runId={run.id}
						node={node}
						request={waiting}
						canAnswer={
							session !== null &&
							run.status !== "COMPLETED" &&
							mayAnswer(waiting, session, run.initiator)
						}
						// The run's stream brings the recorded answer (and the run going on).
						onAnswered={() => {}}
					/>
				</section>
			);
		}
		case "callback":
			return (
				<p class="waiting-on" data-waiting="callback">
					{waiting.receivedAt ? (
						<>
							Callback for attempt {waiting.attempt} received <TimeText iso={waiting.receivedAt} />
							{"; the node finishes as soon as the run has a slot."}
						</>
					) : (
						<>
							Waiting for callback since <TimeText iso={waiting.since} /> (attempt {waiting.attempt}
							).
						</>
					)}
				</p>
			);
		case "child":
			return (
				<p class="waiting-on" data-waiting="child">
					Waiting since <TimeText iso={waiting.since} /> for child run{" "}
					<a class="mono" href={href(`/runs/${waiting.runId}`)}>
						{waiting.runId}
					</a>{" "}
					(attempt {waiting.attempt}) to end.
				</p>
			);
		default: {
			const unknown: never = waiting;
			return <p class="waiting-on">Waiting ({JSON.stringify(unknown)}).</p>;
		}
	}
}
