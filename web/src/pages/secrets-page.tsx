// Secrets: the tenant's secret names and, for admins, their metadata. Admins set a value (a
// password field; no answer ever carries a value back) and delete one after confirming.
// Members and viewers see the names only, as the API answers them.
import { useState } from "preact/hooks";
import { ApiProblem, api } from "../api/client";
import type { Session } from "../api/session";
import type { Page, SecretEntry } from "../api/types";
import { ConfirmDialog } from "../components/confirm-dialog";
import { Empty, ErrorNotice, Resource } from "../components/states";
import { TimeText } from "../components/time-text";
import { useResource } from "../lib/use-resource";

const secretUrl = (name: string) => `/v1/secrets/${encodeURIComponent(name)}`;

export function SecretsPage({ session }: { session: Session }) {
	const isAdmin = session.claims.role === "admin";
	const list = useResource(
		(signal) => api<Page<SecretEntry>>("/v1/secrets?limit=500", { signal }),
		[],
	);
	const [replacing, setReplacing] = useState<string | null>(null);
	const [deleting, setDeleting] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const [deleteError, setDeleteError] = useState<unknown>(null);
	const [notice, setNotice] = useState("");

	const remove = async (name: string) => {
		setBusy(true);
		setDeleteError(null);
		try {
			await api(secretUrl(name), { method: "DELETE" });
			setNotice(`Deleted ${name}.`);
			setDeleting(null);
			list.reload();
		} catch (error) {
			setDeleteError(error);
		} finally {
			setBusy(false);
		}
	};

	return (
		<section>
			<h1 tabIndex={-1}>Secrets</h1>
			<p class="muted">
				Credentials for the systems your workflows call, read as{" "}
				<code>{"{{ .secrets.NAME }}"}</code> in a WEBHOOK request. Values are stored encrypted and
				are never shown again, to anyone.
			</p>
			<p role="status" aria-live="polite" class="notice">
				{notice}
			</p>
			{isAdmin && (
				<SecretForm
					key={replacing ?? "new"}
					replacing={replacing}
					onDone={(message) => {
						setNotice(message);
						setReplacing(null);
						list.reload();
					}}
					onCancel={() => setReplacing(null)}
				/>
			)}
			<Resource resource={list} what="secrets">
				{(page) =>
					page.data.length === 0 ? (
						<Empty>No secrets yet.{isAdmin ? " Add one above." : ""}</Empty>
					) : isAdmin ? (
						<table aria-label="Secrets">
							<thead>
								<tr>
									<th scope="col">Name</th>
									<th scope="col">Description</th>
									<th scope="col">Version</th>
									<th scope="col">Updated</th>
									<th scope="col">Last used by a run</th>
									<th scope="col">Actions</th>
								</tr>
							</thead>
							<tbody>
								{page.data.map((s) => (
									<tr key={s.name}>
										<th scope="row" class="mono">
											{s.name}
										</th>
										<td>{s.description ?? ""}</td>
										<td>v{s.version}</td>
										<td>
											{s.updatedAt && <TimeText iso={s.updatedAt} />} by {s.updatedBy}
										</td>
										<td>{s.lastUsedAt ? <TimeText iso={s.lastUsedAt} /> : "never"}</td>
										<td class="actions">
											<button type="button" onClick={() => setReplacing(s.name)}>
												Replace value
											</button>{" "}
											<button type="button" class="danger" onClick={() => setDeleting(s.name)}>
												Delete
											</button>
										</td>
									</tr>
								))}
							</tbody>
						</table>
					) : (
						<ul class="names" aria-label="Secrets">
							{page.data.map((s) => (
								<li key={s.name} class="mono">
									{s.name}
								</li>
							))}
						</ul>
					)
				}
			</Resource>
			{deleting && (
				<ConfirmDialog
					title={`Delete secret ${deleting}?`}
					confirmLabel="Delete secret"
					busy={busy}
					onConfirm={() => remove(deleting)}
					onCancel={() => {
						setDeleting(null);
						setDeleteError(null);
					}}
				>
					<p>
						Its value is gone for good. A run that needs it afterwards fails that node with{" "}
						<code>secret_not_found</code>.
					</p>
					{deleteError !== null && <ErrorNotice error={deleteError} />}
				</ConfirmDialog>
			)}
		</section>
	);
}

/** Add a secret, or replace one's value: PUT /v1/secrets/{name}. */
function SecretForm({
	replacing,
	onDone,
	onCancel,
}: {
	replacing: string | null;
	onDone: (message: string) => void;
	onCancel: () => void;
}) {
	const [name, setName] = useState(replacing ?? "");
	const [value, setValue] = useState("");
	const [description, setDescription] = useState("");
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState<unknown>(null);
	const fieldError = (pointer: string) =>
		problem instanceof ApiProblem
			? problem.errors.find((e) => e.pointer === pointer)?.message
			: undefined;

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setProblem(null);
		try {
			const body: Record<string, string> = { value };
			if (description) body.description = description;
			await api(secretUrl(name), { method: "PUT", body });
			setValue("");
			onDone(replacing ? `Replaced the value of ${name}.` : `Saved ${name}.`);
		} catch (error) {
			setProblem(error);
		} finally {
			setBusy(false);
		}
	};

	const nameError = fieldError("/name");
	const valueError = fieldError("/value");
	return (
		<form
			class="secret-form"
			onSubmit={submit}
			aria-label={replacing ? `Replace ${replacing}` : "Add a secret"}
		>
			<h2>{replacing ? `Replace the value of ${replacing}` : "Add a secret"}</h2>
			<div class={`field ${nameError ? "has-error" : ""}`}>
				<label for="secret-name">Name</label>
				<input
					id="secret-name"
					value={name}
					required
					disabled={replacing !== null}
					autocomplete="off"
					spellcheck={false}
					aria-invalid={nameError ? true : undefined}
					onInput={(e) => setName(e.currentTarget.value)}
				/>
				{nameError && <p class="field-error">{nameError}</p>}
			</div>
			<div class={`field ${valueError ? "has-error" : ""}`}>
				<label for="secret-value">Value</label>
				<input
					id="secret-value"
					type="password"
					value={value}
					required
					autocomplete="new-password"
					aria-invalid={valueError ? true : undefined}
					onInput={(e) => setValue(e.currentTarget.value)}
				/>
				{valueError && <p class="field-error">{valueError}</p>}
			</div>
			<div class="field">
				<label for="secret-description">Description</label>
				<input
					id="secret-description"
					value={description}
					placeholder={replacing ? "(kept as it is when left empty)" : "optional"}
					onInput={(e) => setDescription(e.currentTarget.value)}
				/>
			</div>
			{problem !== null && !nameError && !valueError && <ErrorNotice error={problem} />}
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
					{busy ? "Saving…" : replacing ? "Replace value" : "Save secret"}
				</button>
				{replacing && (
					<button type="button" onClick={onCancel} disabled={busy}>
						Cancel
					</button>
				)}
			</div>
		</form>
	);
}
