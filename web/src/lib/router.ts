// Routes live in the URL fragment (/admin/#/runs/run_…): the page is plain static files, and
// Workers' single-page fallback only serves a root index.html, which /admin/ is not.
import { useEffect, useState } from "preact/hooks";

export interface Route {
	/** Path segments after "#/", decoded: "#/workflows/a" → ["workflows", "a"]. */
	segments: string[];
	query: URLSearchParams;
}

function parse(hash: string): Route {
	const [path = "", search = ""] = hash.replace(/^#\/?/, "").split("?", 2);
	const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
	return { segments, query: new URLSearchParams(search) };
}

export function href(path: string, params?: Record<string, string | undefined>): string {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params ?? {})) if (value) search.set(key, value);
	const text = search.toString();
	return `#${path}${text ? `?${text}` : ""}`;
}

/** Changes the route; `replace` keeps filter tweaks out of the back button's history. */
export function navigate(target: string, { replace = false } = {}) {
	if (replace) {
		history.replaceState(null, "", target);
		window.dispatchEvent(new HashChangeEvent("hashchange"));
	} else {
		location.hash = target.slice(1);
	}
}

export function useRoute(): Route {
	const [route, setRoute] = useState(() => parse(location.hash));
	useEffect(() => {
		const update = () => setRoute(parse(location.hash));
		window.addEventListener("hashchange", update);
		return () => window.removeEventListener("hashchange", update);
	}, []);
	return route;
}
