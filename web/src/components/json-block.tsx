/** Pretty JSON in a labelled, scrollable region. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
	const text = value === undefined ? "(none)" : JSON.stringify(value, null, 2);
	return (
		<section class="json-region" aria-label={label}>
			<pre class="json">{text}</pre>
		</section>
	);
}
