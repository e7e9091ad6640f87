/**
 * Following a run for a person: on a terminal, one progress line redrawn in place on stderr
 * (nodes done, the latest event, time so far); elsewhere (CI logs), one line per event on
 * stdout, so the log keeps the whole story.
 */
import type { components, StepLine } from "../../clients/typescript/src";
import { stderr, stdout } from "./terminal";

type Run = components["schemas"]["Run"];

const NODE_DONE = new Set([
	"node_succeeded",
	"node_failed",
	"node_skipped",
	"node_reused",
	"node_cancelled",
]);

export async function followWithProgress(client: StepLine, run: Run, print: boolean) {
	const total = run.nodeRuns.length;
	const startedAt = Date.now();
	const live = print && stderr.isTTY;
	let done = 0;
	let last = "waiting for the first event";
	const draw = () => {
		const seconds = Math.round((Date.now() - startedAt) / 1000);
		const text = `${run.workflow.identifier} ${done}/${total} nodes · ${seconds}s · ${last}`;
		const width = process.stderr.columns ?? 100;
		process.stderr.write(
			`\r\u001b[K${text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text}`,
		);
	};
	const timer = live ? setInterval(draw, 1_000) : null;
	try {
		for await (const event of client.followRun(run.id, {
			onReconnect: ({ attempt, reason }) => {
				if (print)
					stderr.line(
						stderr.paint.yellow(`\nstream interrupted (${reason}); resuming, attempt ${attempt}`),
					);
			},
		})) {
			if (event.item === null && event.node !== null && NODE_DONE.has(event.type)) done += 1;
			last = event.detail;
			if (live) draw();
			else if (print) stdout.line(`${stdout.paint.dim(event.time.slice(11, 23))} ${event.detail}`);
		}
	} finally {
		if (timer) clearInterval(timer);
		if (live) process.stderr.write("\r\u001b[K");
	}
}
