export function RunsPage(_: { query: URLSearchParams }) {
	return (
		<section>
			<h1 tabIndex={-1}>Runs</h1>
		</section>
	);
}
