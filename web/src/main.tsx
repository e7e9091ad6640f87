// Entry point: restore the session (and take a token from the URL fragment) before the first
// render, so the token never sits in the address bar while the page draws.
import { render } from "preact";
import { restoreSession } from "./api/session";
import { App } from "./app";
import "./styles.css";

restoreSession();
const root = document.getElementById("app");
if (root) {
	root.textContent = "";
	render(<App />, root);
}
