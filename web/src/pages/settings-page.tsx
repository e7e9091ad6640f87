// The tenant's settings: how many runs may be in progress at once, the secret that signs
// outgoing calls by default, notifications, run retention and quotas. Every role reads them;
// admins change them (PATCH, merge patch), with the API's errors beside the field they name.
import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiProblem, api } from "../api/client";
import type { Session } from "../api/session";
import type { Page, SecretEntry, TenantSettings } from "../api/types";
import {
	draftsOf,
	endpointsOf,
	NotificationEditor,
	NotificationList,
} from "../components/notification-endpoints";
import { ErrorNotice, Resource } from "../components/states";
import { useResource } from "../lib/use-resource";

const SETTINGS = "/v1/tenant/settings";

export function SettingsPage({ session }: { session: Session }) {
	const isAdmin = session.claims.role === "admin";
	const settings = useResource((signal) => api<TenantSettings>(SETTINGS, { signal }), []);
	return (
		<section>
			<h1 tabIndex={-1}>Settings</h1>
			<p class="muted">Settings of your tenant. {isAdmin ? "" : "Only admins change them."}</p>
			<Resource resource={settings} what="settings">
				{(current) =>
					isAdmin ? (
						<SettingsForm current={current} onSaved={settings.reload} />
					) : (
						<dl class="facts">
							<dt>Runs in progress at once</dt>
							<dd>{current.maxConcurrentRuns}</dd>
							<dt>Default signing secret</dt>
							<dd class="mono">{current.defaultSigningSecret ?? "none"}</dd>
							{NUMBERS.map((n) => (
								<Fragment key={n.field}>
									<dt>{n.label}</dt>
									<dd>{current[n.field]}</dd>
								</Fragment>
							))}
							<dt>Notifications</dt>
							<dd>
								<NotificationList endpoints={current.notifications ?? []} />
							</dd>
						</dl>
					)
				}
			</Resource>
		</section>
	);
}

function SettingsForm({ current, onSaved }: { current: TenantSettings; onSaved: () => void }) {
	const [limit, setLimit] = useState(String(current.maxConcurrentRuns));
	const [signing, setSigning] = useState(current.defaultSigningSecret ?? "");
	const [numbers, setNumbers] = useState(numbersOf(current));
	const [endpoints, setEndpoints] = useState(draftsOf(current.notifications ?? []));
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState<unknown>(null);
	const [notice, setNotice] = useState("");
	const secrets = useResource(
		(signal) => api<Page<SecretEntry>>("/v1/secrets?limit=500", { signal }),
		[],
	);
	useEffect(() => {
		setLimit(String(current.maxConcurrentRuns));
		setSigning(current.defaultSigningSecret ?? "");
		setNumbers(numbersOf(current));
		setEndpoints(draftsOf(current.notifications ?? []));
	}, [current]);
	const fieldError = (pointer: string) =>
		problem instanceof ApiProblem
			? problem.errors.find((e) => e.pointer === pointer)?.message
			: undefined;

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setProblem(null);
		setNotice("");
		// Only what changed: a merge patch leaves the rest as it is.
		const patch: Record<string, unknown> = {};
		if (limit !== String(current.maxConcurrentRuns))
			patch.maxConcurrentRuns = limit === "" ? null : Number(limit);
		if (signing !== (current.defaultSigningSecret ?? ""))
			patch.defaultSigningSecret = signing === "" ? null : signing;
		for (const { field } of NUMBERS)
			if (numbers[field] !== String(current[field]))
				patch[field] = numbers[field] === "" ? null : Number(numbers[field]);
		const notifications = endpointsOf(endpoints);
		if (JSON.stringify(notifications) !== JSON.stringify(current.notifications ?? []))
			patch.notifications = notifications;
		try {
			await api(SETTINGS, {
				method: "PATCH",
				body: patch,
				headers: { "content-type": "application/merge-patch+json" },
			});
			setNotice(Object.keys(patch).length === 0 ? "Nothing changed." : "Saved.");
			onSaved();
		} catch (error) {
			setProblem(error);
		} finally {
			setBusy(false);
		}
	};

	const limitError = fieldError("/maxConcurrentRuns");
	const signingError = fieldError("/defaultSigningSecret");
	const numberErrors = NUMBERS.map((n) => fieldError(`/${n.field}`));
	const notificationsError =
		problem instanceof ApiProblem &&
		problem.errors.some((e) => /^\/notifications\/\d+\/(url|events|secret)/.test(e.pointer));
	const names = secrets.data?.data.map((s) => s.name) ?? [];
	if (signing && !names.includes(signing)) names.unshift(signing);
	return (
		<form class="settings-form" onSubmit={submit} aria-label="Tenant settings" noValidate>
			<div class={`field ${limitError ? "has-error" : ""}`}>
				<label for="max-runs">Runs in progress at once</label>
				<input
					id="max-runs"
					type="number"
					inputMode="numeric"
					value={limit}
					aria-describedby="max-runs-help"
					aria-invalid={limitError ? true : undefined}
					onInput={(e) => setLimit(e.currentTarget.value)}
				/>
				<p id="max-runs-help" class="help">
					1 to 100. Runs over the limit wait as queued and start first in, first out; waiting runs
					hold no slot. Raising it starts queued runs at once.
				</p>
				{limitError && <p class="field-error">{limitError}</p>}
			</div>
			<div class={`field ${signingError ? "has-error" : ""}`}>
				<label for="signing">Default signing secret</label>
				<select
					id="signing"
					value={signing}
					aria-describedby="signing-help"
					aria-invalid={signingError ? true : undefined}
					onChange={(e) => setSigning(e.currentTarget.value)}
				>
					<option value="">None: calls are not signed</option>
					{names.map((n) => (
						<option key={n} value={n}>
							{n}
						</option>
					))}
				</select>
				<p id="signing-help" class="help">
					Signs every outgoing WEBHOOK call that has no signature of its own (Standard Webhooks).
					Runs keep the one they started with.
				</p>
				{signingError && <p class="field-error">{signingError}</p>}
			</div>
			{NUMBERS.map((n, i) => (
				<NumberSetting
					key={n.field}
					setting={n}
					value={numbers[n.field]}
					error={numberErrors[i]}
					onInput={(value) => setNumbers({ ...numbers, [n.field]: value })}
				/>
			))}
			<NotificationEditor
				drafts={endpoints}
				onChange={setEndpoints}
				secrets={secrets.data?.data.map((s) => s.name) ?? []}
				errorAt={(pointer) =>
					problem instanceof ApiProblem
						? problem.errors
								.filter((e) => e.pointer === pointer || e.pointer.startsWith(`${pointer}/`))
								.map((e) => e.message)
								.join(" ") || undefined
						: undefined
				}
			/>
			{problem !== null &&
				!limitError &&
				!signingError &&
				numberErrors.every((e) => !e) &&
				!notificationsError && <ErrorNotice error={problem} />}
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
					{busy ? "Saving…" : "Save settings"}
				</button>
				<span role="status" class="notice">
					{notice}
				</span>
			</div>
		</form>
	);
}

/** The settings that are a plain number: retention and quotas. */
type NumberField =
	| "runRetentionDays"
	| "maxWorkflows"
	| "maxVersionsPerWorkflow"
	| "maxStreamsPerRun";

interface NumberSettingSpec {
	field: NumberField;
	label: string;
	help: string;
}

const NUMBERS: NumberSettingSpec[] = [
	{
		field: "runRetentionDays",
		label: "Keep ended runs (days)",
		help: "1 to 365. A run is deleted this many days after it ended, with everything it stored; runs that have not ended are kept.",
	},
	{
		field: "maxWorkflows",
		label: "Workflows at most",
		help: "Creating one more is refused; deleted workflows do not count.",
	},
	{
		field: "maxVersionsPerWorkflow",
		label: "Versions kept per workflow",
		help: "A save deletes the oldest versions past this, except one a run that has not ended was started on.",
	},
	{
		field: "maxStreamsPerRun",
		label: "Event streams per run",
		help: "How many live views may follow one run at once.",
	},
];

const numbersOf = (settings: TenantSettings) =>
	Object.fromEntries(NUMBERS.map((n) => [n.field, String(settings[n.field])])) as Record<
		NumberField,
		string
	>;

function NumberSetting({
	setting,
	value,
	error,
	onInput,
}: {
	setting: NumberSettingSpec;
	value: string;
	error: string | undefined;
	onInput: (value: string) => void;
}) {
	const id = `setting-${setting.field}`;
	return (
		<div class={`field ${error ? "has-error" : ""}`}>
			<label for={id}>{setting.label}</label>
			<input
				id={id}
				type="number"
				inputMode="numeric"
				value={value}
				aria-describedby={`${id}-help`}
				aria-invalid={error ? true : undefined}
				onInput={(e) => onInput(e.currentTarget.value)}
			/>
			<p id={`${id}-help`} class="help">
				{setting.help}
			</p>
			{error && <p class="field-error">{error}</p>}
		</div>
	);
}
