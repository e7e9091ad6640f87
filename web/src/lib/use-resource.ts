// Loads something from the API for a page: loading, data and error states, reload on demand,
// and a stale response never overwrites a newer one (each load aborts the previous).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Resource<T> {
	data: T | undefined;
	error: unknown;
	loading: boolean;
	/** Loads again; keeps showing the current data meanwhile (no flicker on refresh). */
	reload: () => void;
}

export function useResource<T>(
	load: (signal: AbortSignal) => Promise<T>,
	deps: unknown[],
): Resource<T> {
	const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
		loading: true,
	});
	const controller = useRef<AbortController | null>(null);
	const run = useCallback((keepData: boolean) => {
		controller.current?.abort();
		const current = new AbortController();
		controller.current = current;
		// A refresh keeps an earlier failure on show until it succeeds (no flicker either way).
		setState((previous) =>
			keepData ? { ...previous, loading: true } : { data: undefined, loading: true },
		);
		load(current.signal).then(
			(data) => {
				if (!current.signal.aborted) setState({ data, loading: false });
			},
			(error: unknown) => {
				if (!current.signal.aborted)
					setState((previous) => ({ ...previous, error, loading: false }));
			},
		);
	}, deps);

	useEffect(() => {
		run(false);
		return () => controller.current?.abort();
	}, [run]);

	// Stable identity, so callers can throttle or schedule it without re-creating timers.
	const reload = useCallback(() => run(true), [run]);
	return { data: state.data, error: state.error, loading: state.loading, reload };
}
