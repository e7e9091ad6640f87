// Loading, error and empty states, the same on every page.
import type { ComponentChildren } from "preact";
import { ApiProblem } from "../api/client";

export function Loading({ what }: { what: string }) {
	return (
		<p class="state loading" role="status" aria-live="polite">
			Loading {what}…
		</p>
	);
}

export function Empty({ children }: { children: ComponentChildren }) {
	return <p class="state empty">{children}</p>;
}

export function ErrorNotice({
	error,
	onRetry,
	note,
}: {
	error: unknown;
	onRetry?: () => void;
	/** What the page shows instead (e.g. data from before the failure). */
	note?: string;
}) {
	const problem = error instanceof ApiProblem ? error : undefined;
	const message =
		problem?.detail || problem?.title || (error instanceof Error ? error.message : String(error));
	return (
		<div class="state error" role="alert">
			<p>
				<strong>{problem ? `${problem.title} (${problem.status})` : "Something went wrong"}</strong>
				{": "}
				{message}
			</p>
			{note && <p>{note}</p>}
			{problem?.requestId && <p class="muted">Request id: {problem.requestId}</p>}
			{onRetry && (
				<button type="button" onClick={onRetry}>
					Try again
				</button>
			)}
		</div>
	);
}

/**
 * Renders loading / error / content for a resource, keeping content visible while refreshing.
 * A refresh that failed says so above the content it could not renew.
 */
export function Resource<T>({
	resource,
	what,
	children,
}: {
	resource: { data: T | undefined; error: unknown; loading: boolean; reload: () => void };
	what: string;
	children: (data: T) => ComponentChildren;
}) {
	if (resource.data !== undefined)
		return (
			<>
				{resource.error ? (
					<ErrorNotice
						error={resource.error}
						onRetry={resource.reload}
						note={`Showing the ${what} as last loaded.`}
					/>
				) : null}
				{children(resource.data)}
			</>
		);
	if (resource.error) return <ErrorNotice error={resource.error} onRetry={resource.reload} />;
	return <Loading what={what} />;
}
