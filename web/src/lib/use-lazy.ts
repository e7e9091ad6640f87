// Loads a module the first load leaves out (esbuild splits every import() into a chunk), and
// says when that failed (offline, a deploy replaced the chunk) so the page can offer a retry.
import { useCallback, useEffect, useState } from "preact/hooks";

export function useLazy<T>(load: () => Promise<T>) {
	const [state, setState] = useState<{ module?: T; error?: unknown }>({});
	const [attempt, setAttempt] = useState(0);
	useEffect(() => {
		let live = true;
		load().then(
			(module) => live && setState({ module }),
			(error: unknown) => live && setState({ error }),
		);
		return () => {
			live = false;
		};
	}, [attempt]);
	const retry = useCallback(() => {
		setState({});
		setAttempt((n) => n + 1);
	}, []);
	return { ...state, retry };
}
