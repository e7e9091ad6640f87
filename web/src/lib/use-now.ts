// The current time, renewed every second while `live` (a run still going) and the tab is
// visible: countdowns tick and a live timeline grows in place without refetching anything.
import { useState } from "preact/hooks";
import { useVisibleInterval } from "./use-visible-interval";

export function useNow(live: boolean, ms = 1000): number {
	const [now, setNow] = useState(Date.now);
	useVisibleInterval(() => setNow(Date.now()), ms, live);
	return now;
}
