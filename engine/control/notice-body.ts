import type { SealedValue } from "../run";
import type { Notice } from "./notices";

/** Opens a sealed answer-link token into its URL (the host's: it holds the key and the address). */
export type LinkUrl = (token: SealedValue) => string;

/**
 * What a notification endpoint receives (docs/ARCHITECTURE.md#notifications): the event as JSON
 * with its paths made absolute under the Stepline's public URL, or, for `format: "slack"`, a Slack
 * incoming-webhook message (`text` for the notification itself, `blocks` for the channel). Pure:
 * the same notice and base give the same bytes, so a retry sends exactly what was signed before.
 */
export function noticeBody(
	notice: Notice,
	base: string,
	format: "slack" | undefined,
	linkUrl: LinkUrl,
): string {
	return JSON.stringify(
		format === "slack" ? slackMessage(notice, base) : jsonEvent(notice, base, linkUrl),
	);
}

/**
 * The JSON event. Each person the node names gets their own answer links (a form, and one per
 * button); a receiver sends each person only their own. A Slack message, posted to a channel
 * everyone reads, carries none: it links the run's page instead.
 */
function jsonEvent(notice: Notice, base: string, linkUrl: LinkUrl) {
	const { run, input, ...rest } = notice.data;
	const { path, ...runFields } = run;
	return {
		...notice,
		data: {
			...rest,
			run: { ...runFields, url: `${base}${path}`, page: pageOf(base, run.id) },
			...(input
				? {
						input: {
							node: input.node,
							title: input.title,
							description: input.description,
							dueAt: input.dueAt,
							numOfResponders: input.numOfResponders,
							form: input.form,
							buttons: input.buttons,
							answerUrl: `${base}${input.answerPath}`,
							responders: input.responders.map(({ by, token }) => {
								const formUrl = linkUrl(token);
								return {
									user: by,
									formUrl,
									buttons: input.buttons.map((b) => ({
										...b,
										url: `${formUrl}?outlet=${encodeURIComponent(b.outlet)}`,
									})),
								};
							}),
						},
					}
				: {}),
		},
	};
}

/** The run on the admin page. */
const pageOf = (base: string, runId: string) => `${base}/admin/#/runs/${runId}`;

const HEADLINE = {
	"run.waiting_for_input": "is waiting for input",
	"run.completed": "completed",
	"run.failed": "failed",
	"run.cancelled": "was cancelled",
} as const;

/** Slack's mrkdwn needs &, < and > escaped in text that is not a link. */
const mrkdwn = (text: string) =>
	text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

function slackMessage(notice: Notice, base: string) {
	const { run, workflow, input } = notice.data;
	const runUrl = pageOf(base, run.id);
	const subject = `${mrkdwn(workflow.title)} (run ${run.id})`;
	const text = `${subject} ${HEADLINE[notice.type]}`;
	const lines = [`*<${runUrl}|${subject}>* ${HEADLINE[notice.type]}`];
	if (run.error) lines.push(`> ${mrkdwn(run.error.code)}: ${mrkdwn(run.error.message)}`);
	if (input) {
		lines.push(`*${mrkdwn(input.title ?? input.node)}*`);
		if (input.description) lines.push(mrkdwn(input.description));
		lines.push(
			`Answers: ${input.buttons.map((b) => mrkdwn(b.title)).join(", ")}${input.dueAt ? ` (until ${input.dueAt})` : ""}`,
		);
	}
	if (notice.data.notificationRecipients.length > 0)
		lines.push(`For: ${notice.data.notificationRecipients.map(mrkdwn).join(", ")}`);
	return {
		text,
		blocks: [{ type: "section", text: { type: "mrkdwn", text: lines.join("\n") } }],
	};
}
