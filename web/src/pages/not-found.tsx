export function NotFoundPage() {
	return (
		<section>
			<h1 tabIndex={-1}>Page not found</h1>
			<p>
				There is no page at this address. Go to the <a href="#/workflows">workflows</a> or the{" "}
				<a href="#/runs">runs</a>.
			</p>
		</section>
	);
}
