// A small stacked bar chart of runs per slice (an hour or a day): succeeded, failed, cancelled
// and not ended yet, on one scale. Each bar has a title (hover) and the whole chart a summary,
// so it reads without seeing it; the numbers are in the cards beside it as well.
import type { OverviewBucket } from "../api/types";

const PARTS = [
	{ key: "SUCCESS", label: "succeeded", class: "success" },
	{ key: "FAILED", label: "failed", class: "failed" },
	{ key: "CANCELLED", label: "cancelled", class: "cancelled" },
	{ key: "unfinished", label: "not ended", class: "unfinished" },
] as const;

const HEIGHT = 60;
const BAR = 10;
const GAP = 3;

export function RunChart({
	buckets,
	label,
	sliceName,
}: {
	buckets: OverviewBucket[];
	label: string;
	/** How a slice's start is written under its bar's title: an hour, or a day. */
	sliceName: (start: Date) => string;
}) {
	const totals = buckets.map((b) => PARTS.reduce((sum, p) => sum + b[p.key], 0));
	const top = Math.max(1, ...totals);
	const width = buckets.length * (BAR + GAP);
	const busiest = totals.indexOf(Math.max(...totals));
	const summary = totals.every((t) => t === 0)
		? `${label}: no runs.`
		: `${label}: ${totals.reduce((a, b) => a + b, 0)} runs, the most (${totals[busiest]}) in the slice from ${sliceName(new Date(buckets[busiest]?.start ?? 0))}.`;
	return (
		<svg
			class="run-chart"
			viewBox={`0 0 ${width} ${HEIGHT}`}
			preserveAspectRatio="none"
			role="img"
			aria-label={summary}
		>
			{buckets.map((b, i) => {
				let y = HEIGHT;
				const x = i * (BAR + GAP);
				return (
					<g key={b.start} data-slice={i}>
						<title>
							{sliceName(new Date(b.start))}: {totals[i]} run{totals[i] === 1 ? "" : "s"}
							{PARTS.filter((p) => b[p.key] > 0)
								.map((p) => `, ${b[p.key]} ${p.label}`)
								.join("")}
						</title>
						<rect class="slot" x={x} y={0} width={BAR} height={HEIGHT} />
						{PARTS.map((p) => {
							const h = (b[p.key] / top) * HEIGHT;
							if (h === 0) return null;
							y -= h;
							return <rect key={p.key} class={p.class} x={x} y={y} width={BAR} height={h} />;
						})}
					</g>
				);
			})}
		</svg>
	);
}
