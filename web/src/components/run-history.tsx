// The run's append-only history, as received over the stream.

import type { RunEvent } from "../api/types";
import { formatAbsolute, formatClock } from "../lib/time";
import { withHidden } from "./hidden-badge";
import { ScrollRegion } from "./scroll-region";

export function RunHistory({ events }: { events: RunEvent[] }) {
	if (events.length === 0) return <p class="state empty">No events yet.</p>;
	return (
		<ScrollRegion class="table-scroll history" label="History">
			<table>
				<thead>
					<tr>
						<th scope="col">#</th>
						<th scope="col">Time</th>
						<th scope="col">Event</th>
						<th scope="col">Node</th>
						<th scope="col">Detail</th>
					</tr>
				</thead>
				<tbody>
					{events.map((e) => (
						<tr key={e.seq}>
							<td>{e.seq}</td>
							<td>
								<time dateTime={e.time} title={formatAbsolute(e.time)}>
									{formatClock(e.time)}
								</time>
							</td>
							<td class="mono">{e.type}</td>
							<td class="mono">
								{e.node ?? ""}
								{e.item !== null ? `[${e.item}]` : ""}
							</td>
							<td>{withHidden(e.detail)}</td>
						</tr>
					))}
				</tbody>
			</table>
		</ScrollRegion>
	);
}
