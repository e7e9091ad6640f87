// Calls `tick` every `ms` while the tab is visible (and once on becoming visible again), so a
// background tab does not poll the API.
import { useEffect, useRef } from "preact/hooks";

export function useVisibleInterval(tick: () => void, ms: number, enabled = true) {
	const latest = useRef(tick);
	latest.current = tick;
	useEffect(() => {
		if (!enabled) return;
		let timer: ReturnType<typeof setInterval> | undefined;
		const start = () => {
			clearInterval(timer);
			timer = setInterval(() => latest.current(), ms);
		};
		const onVisibility = () => {
			if (document.hidden) clearInterval(timer);
			else {
				latest.current();
				start();
			}
		};
		if (!document.hidden) start();
		document.addEventListener("visibilitychange", onVisibility);
		return () => {
			clearInterval(timer);
			document.removeEventListener("visibilitychange", onVisibility);
		};
	}, [ms, enabled]);
}
