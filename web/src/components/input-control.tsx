// One labelled form control for a userInputs field, with its help text and API error.
import type { JSX } from "preact";
import type { InputField } from "../lib/input-fields";

interface Props {
	field: InputField;
	value: string;
	error?: string;
	onChange: (value: string) => void;
	/** Makes the control's id unique where several forms share a page (the Inbox). */
	idPrefix?: string;
}

export function InputControl({ field, value, error, onChange, idPrefix = "input" }: Props) {
	const id = `${idPrefix}-${field.name}`;
	const hasHelp =
		Boolean(field.description) || field.kind === "string-list" || field.kind === "json";
	const describedBy = [hasHelp && `${id}-help`, error && `${id}-error`].filter(Boolean).join(" ");
	const common = {
		id,
		name: field.name,
		"aria-invalid": error ? true : undefined,
		"aria-describedby": describedBy || undefined,
		"aria-required": field.required || undefined,
	};
	const text = (e: Event) => onChange((e.currentTarget as HTMLInputElement).value);
	let control: JSX.Element;
	switch (field.kind) {
		case "boolean":
			control = (
				<input
					{...common}
					type="checkbox"
					checked={value === "true"}
					onChange={(e) => onChange(String(e.currentTarget.checked))}
				/>
			);
			break;
		case "enum":
			control = (
				<select {...common} value={value} onChange={text}>
					{(!field.required || value === "") && <option value="">(choose)</option>}
					{field.options?.map((option) => (
						<option key={option} value={option}>
							{option}
						</option>
					))}
				</select>
			);
			break;
		case "string-list":
		case "json":
			control = <textarea {...common} rows={4} value={value} onInput={text} spellcheck={false} />;
			break;
		default:
			// A secret input is typed unseen, and the browser is asked not to remember it.
			control = field.secret ? (
				<input {...common} type="password" autoComplete="off" value={value} onInput={text} />
			) : (
				<input
					{...common}
					type="text"
					inputMode={field.kind === "string" ? undefined : "decimal"}
					value={value}
					onInput={text}
				/>
			);
	}
	return (
		<div class={`field ${field.kind === "boolean" ? "inline" : ""} ${error ? "has-error" : ""}`}>
			<label for={id}>
				{field.label}
				{field.required && (
					<span class="required" aria-hidden="true">
						{" "}
						*
					</span>
				)}
			</label>
			{control}
			{hasHelp && (
				<p id={`${id}-help`} class="help">
					{field.description}
					{field.kind === "string-list" && " One item per line."}
					{field.kind === "json" && " JSON."}
				</p>
			)}
			{error && (
				<p id={`${id}-error`} class="field-error">
					{error}
				</p>
			)}
		</div>
	);
}
