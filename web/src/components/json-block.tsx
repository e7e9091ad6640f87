import { withHidden } from "./hidden-badge";

/**
 * Pretty JSON in a labelled, scrollable region; a redacted value shows as a "hidden" badge.
 */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
	const text = value === undefined ? "(none)" : JSON.stringify(value, null, 2);
	return (
		<section class="json-region" aria-label={label}>
			<pre class="json">{withHidden(text)}</pre>
		</section>
	);
}
