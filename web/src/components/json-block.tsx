import { withHidden } from "./hidden-badge";
import { ScrollRegion } from "./scroll-region";

/**
 * Text (JSON, a response body) in a labelled region that scrolls, reachable by keyboard; a
 * redacted value shows as a "hidden" badge.
 */
export function TextBlock({ text, label }: { text: string; label: string }) {
	return (
		<ScrollRegion class="json" label={label}>
			<pre>{withHidden(text)}</pre>
		</ScrollRegion>
	);
}

/** Pretty JSON in a labelled, scrollable region. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
	const text = value === undefined ? "(none)" : JSON.stringify(value, null, 2);
	return <TextBlock text={text} label={label} />;
}
