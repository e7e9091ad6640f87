// Entry point: restore the session (and exchange a sign-in code from the URL fragment) before
// the first render, so the code leaves the address bar before the page draws.
import { render } from "preact";
import { restoreSession } from "./api/session";
import { App } from "./app";
import "./styles.css";

restoreSession().finally(() => {
	const root = document.getElementById("app");
	if (root) {
		root.textContent = "";
		render(<App />, root);
	}
});
