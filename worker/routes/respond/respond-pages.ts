/**
 * The answer pages behind `/respond/{token}` (docs/NOTIFICATIONS.md#answer-links): small
 * server-rendered HTML for people who answer an input request from a link, with no admin page,
 * no script and no outside resource. Every value shown is escaped; the one stylesheet is inline
 * and allowed by its hash in the page's Content-Security-Policy.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import type { LinkRequest } from "../../../engine/control";
import { toBase64, utf8 } from "../../../engine/crypto/bytes";

const CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:36rem;margin:2rem auto;overflow-wrap:anywhere;padding:1.5rem;background:#fff;border:1px solid #d8dde3;border-radius:8px}
h1{font-size:1.3rem;margin:0 0 .5rem}.muted{color:#57606a}label{display:block;font-weight:600;margin-top:.8rem}
input,select,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.4rem;margin-top:.2rem;border:1px solid #8c959f;border-radius:4px}
.buttons{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1.2rem}button{font:inherit;padding:.5rem 1.1rem;border-radius:6px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}
.error{color:#a40e26;font-weight:600}.problem{border-left:4px solid #a40e26;padding:.2rem .8rem;background:#fff0f0}`;

/** The Content-Security-Policy of every answer page: nothing but its own inline style and forms to itself. */
export const RESPOND_CSP = `default-src 'none'; style-src 'sha256-${toBase64(sha256(utf8(CSS)))}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

const esc = (text: string) =>
	text
		.replaceAll("&", "&amp;")
		.replaceAll("<", "&lt;")
		.replaceAll(">", "&gt;")
		.replaceAll('"', "&quot;")
		.replaceAll("'", "&#39;");

function layout(title: string, body: string): string {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)} · Stepline</title><style>${CSS}</style></head>
<body><main>${body}</main></body></html>`;
}

/** One property of the node's form (JSON Schema), as far as a plain HTML form can show it. */
interface FieldSchema {
	type?: string;
	title?: string;
	description?: string;
	enum?: unknown[];
	default?: unknown;
}

export interface FormField {
	name: string;
	schema: FieldSchema;
	required: boolean;
}

/** The form's fields, in order; `requiredOnly` for a one-click page (only what must be filled). */
export function fieldsOf(form: unknown, requiredOnly = false): FormField[] {
	if (form === null || typeof form !== "object") return [];
	const { properties = {}, required = [] } = form as {
		properties?: Record<string, FieldSchema>;
		required?: string[];
	};
	return Object.entries(properties)
		.map(([name, schema]) => ({ name, schema: schema ?? {}, required: required.includes(name) }))
		.filter((f) => !requiredOnly || (f.required && f.schema.default === undefined));
}

function fieldHtml(field: FormField, value: string | undefined, error: string | undefined): string {
	const id = `f-${field.name}`;
	const { schema } = field;
	const label = `<label for="${esc(id)}">${esc(schema.title ?? field.name)}${field.required ? " (required)" : ""}</label>`;
	const name = `name="${esc(`input.${field.name}`)}"`;
	const invalid = error ? ' aria-invalid="true"' : "";
	const initial =
		value ??
		(schema.default === undefined
			? ""
			: typeof schema.default === "string"
				? schema.default
				: JSON.stringify(schema.default));
	let control: string;
	if (Array.isArray(schema.enum) || schema.type === "boolean") {
		const options = schema.type === "boolean" ? [true, false] : (schema.enum ?? []);
		control = `<select id="${esc(id)}" ${name}${invalid}><option value=""></option>${options
			.map((o) => {
				const text = typeof o === "string" ? o : JSON.stringify(o);
				return `<option value="${esc(text)}"${text === initial ? " selected" : ""}>${esc(text)}</option>`;
			})
			.join("")}</select>`;
	} else if (schema.type === "array" || schema.type === "object") {
		control = `<textarea id="${esc(id)}" ${name} rows="3"${invalid}>${esc(initial)}</textarea>`;
	} else {
		const type = schema.type === "number" || schema.type === "integer" ? "number" : "text";
		const step = schema.type === "number" ? ' step="any"' : "";
		control = `<input id="${esc(id)}" type="${type}"${step} ${name} value="${esc(initial)}"${invalid}>`;
	}
	const help = schema.description ? `<div class="muted">${esc(schema.description)}</div>` : "";
	return `${label}${control}${help}${error ? `<div class="error">${esc(error)}</div>` : ""}`;
}

function heading(request: LinkRequest): string {
	const due =
		request.dueAt === null
			? ""
			: `<p class="muted">Open until ${esc(new Date(request.dueAt).toISOString())}.</p>`;
	return `<p class="muted">${esc(request.workflow)} · run ${esc(request.runId)}</p>
<h1>${esc(request.title)}</h1>${request.description ? `<p>${esc(request.description)}</p>` : ""}
<p class="muted">You answer as <strong>${esc(request.by)}</strong>.</p>${due}`;
}

export interface Entered {
	values: Record<string, string>;
	comment: string;
	/** Field errors by field name, or a message for the whole answer. */
	errors: Record<string, string>;
	problem: string | null;
}

export const NOTHING_ENTERED: Entered = { values: {}, comment: "", errors: {}, problem: null };

/** The hosted form: every field, a comment, and one button per outlet. */
export function formPage(request: LinkRequest, action: string, entered = NOTHING_ENTERED): string {
	const fields = fieldsOf(request.form)
		.map((f) => fieldHtml(f, entered.values[f.name], entered.errors[f.name]))
		.join("");
	const buttons = request.buttons
		.map(
			(b) =>
				`<button type="submit" name="outlet" value="${esc(b.outlet)}">${esc(b.title)}</button>`,
		)
		.join("");
	return layout(
		request.title,
		`${heading(request)}${entered.problem ? `<p class="problem">${esc(entered.problem)}</p>` : ""}
<form method="post" action="${esc(action)}">${fields}
<label for="comment">Comment</label><textarea id="comment" name="comment" rows="2">${esc(entered.comment)}</textarea>
<div class="buttons">${buttons}</div></form>`,
	);
}

/**
 * A one-click link's page: one button that answers. A link opened by a mail or chat scanner
 * (a GET) answers nothing; only the click (a POST) does. Fields the form requires and gives no
 * default are asked here too.
 */
export function confirmPage(
	request: LinkRequest,
	button: { title: string; outlet: string },
	action: string,
): string {
	const fields = fieldsOf(request.form, true)
		.map((f) => fieldHtml(f, undefined, undefined))
		.join("");
	return layout(
		request.title,
		`${heading(request)}<p>Answer <strong>${esc(button.title)}</strong>?</p>
<form method="post" action="${esc(action)}"><input type="hidden" name="outlet" value="${esc(button.outlet)}">${fields}
<div class="buttons"><button type="submit">${esc(button.title)}</button></div></form>`,
	);
}

export function donePage(request: LinkRequest, outlet: string): string {
	const title = request.buttons.find((b) => b.outlet === outlet)?.title ?? outlet;
	return layout(
		"Answer recorded",
		`${heading(request)}<h1>Thank you</h1><p>Your answer, <strong>${esc(title)}</strong>, is recorded. This link no longer answers.</p>`,
	);
}

/** A link that does not answer: why, and that nothing changed. */
export function refusedPage(title: string, message: string): string {
	return layout(
		title,
		`<h1>${esc(title)}</h1><p>${esc(message[0]?.toUpperCase() ?? "")}${esc(message.slice(1))}.</p><p class="muted">Nothing was changed.</p>`,
	);
}
