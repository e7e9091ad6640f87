// One workflow: its graph, a start-run form per self-serve trigger, its versions and the
// definition of the chosen version as JSON.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { Session } from "../api/session";
import type { Page, VersionSummary, Workflow, WorkflowVersion } from "../api/types";
import { JsonBlock } from "../components/json-block";
import { ScrollRegion } from "../components/scroll-region";
import { StartRunForm } from "../components/start-run-form";
import { Resource } from "../components/states";
import { TimeText } from "../components/time-text";
import { TriggersPanel } from "../components/triggers-panel";
import { WorkflowGraph } from "../components/workflow-graph";
import { href } from "../lib/router";
import { useResource } from "../lib/use-resource";

interface Props {
	identifier: string;
	session: Session;
}

export function WorkflowPage({ identifier, session }: Props) {
	const base = `/v1/workflows/${encodeURIComponent(identifier)}`;
	const workflow = useResource((signal) => api<Workflow>(base, { signal }), [base]);
	const versions = useResource(
		(signal) => api<Page<VersionSummary>>(`${base}/versions?limit=100`, { signal }),
		[base],
	);
	const [chosen, setChosen] = useState<number | null>(null);
	const older = useResource(
		(signal) =>
			chosen === null
				? Promise.resolve(null)
				: api<WorkflowVersion>(`${base}/versions/${chosen}`, { signal }),
		[base, chosen],
	);

	return (
		<section>
			<p class="crumbs">
				<a href="#/workflows">Workflows</a> /
			</p>
			{/* Outside the resource so the heading (and focus on navigation) exists while loading. */}
			<h1 tabIndex={-1}>{workflow.data?.definition.title ?? identifier}</h1>
			<Resource resource={workflow} what="the workflow">
				{(latest) => {
					const shown = chosen !== null && older.data ? older.data : latest;
					const definition = shown.definition;
					const triggers = definition.nodes.filter((n) => n.config.type === "SELF_SERVE_TRIGGER");
					const canStart = session.claims.role !== "viewer";
					return (
						<>
							<p class="muted mono">{identifier}</p>
							{definition.description && <p>{definition.description}</p>}
							<div class="toolbar">
								<label for="version">Version</label>
								<select
									id="version"
									value={String(chosen ?? latest.version)}
									onChange={(e) => {
										const n = Number(e.currentTarget.value);
										setChosen(n === latest.version ? null : n);
									}}
								>
									{(versions.data?.data ?? [{ version: latest.version }]).map((v) => (
										<option key={v.version} value={v.version}>
											v{v.version}
											{v.version === latest.version ? " (latest)" : ""}
										</option>
									))}
								</select>
								<a href={href("/runs", { workflow: identifier })}>Runs of this workflow</a>
								<a href={`#/workflows/${encodeURIComponent(identifier)}/edit`}>
									{canStart ? "Edit definition" : "Read definition and try it"}
								</a>
								{(versions.data?.data.length ?? 0) > 1 && (
									<a href={`#/workflows/${encodeURIComponent(identifier)}/compare`}>
										Compare versions
									</a>
								)}
							</div>
							{older.loading && chosen !== null && <p class="muted">Loading version {chosen}…</p>}

							<h2>Graph</h2>
							<WorkflowGraph definition={definition} />

							<h2>Start a run</h2>
							{!canStart && <p class="muted">Viewers cannot start runs; members and admins can.</p>}
							{canStart && triggers.length === 0 && (
								<p class="muted">
									This workflow has no self-serve trigger, so it cannot be started here.
								</p>
							)}
							{canStart &&
								triggers.map((trigger) => (
									<StartRunForm
										key={`${trigger.identifier}@${shown.version}`}
										workflow={identifier}
										trigger={trigger}
										version={shown.version}
										latest={chosen === null}
									/>
								))}

							{/* Webhook URLs are credentials: members and admins only, as the API has it. */}
							{canStart && (
								<>
									<h2>Triggers</h2>
									<TriggersPanel workflow={identifier} session={session} />
								</>
							)}

							<h2>Versions</h2>
							<Resource resource={versions} what="versions">
								{(page) => (
									<ScrollRegion class="table-scroll" label="Versions">
										<table>
											<thead>
												<tr>
													<th scope="col">Version</th>
													<th scope="col">Saved</th>
													<th scope="col">By</th>
												</tr>
											</thead>
											<tbody>
												{page.data.map((v) => (
													<tr key={v.version}>
														<td>
															<button
																type="button"
																class="link"
																onClick={() =>
																	setChosen(v.version === latest.version ? null : v.version)
																}
															>
																v{v.version}
															</button>
														</td>
														<td>
															<TimeText iso={v.createdAt} />
														</td>
														<td>{v.createdBy}</td>
													</tr>
												))}
											</tbody>
										</table>
									</ScrollRegion>
								)}
							</Resource>

							<details class="definition">
								<summary>Definition (version {shown.version}, JSON)</summary>
								<JsonBlock value={definition} label={`Definition of version ${shown.version}`} />
							</details>
						</>
					);
				}}
			</Resource>
		</section>
	);
}
