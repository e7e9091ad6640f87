// CodeMirror styles itself at run time (style-mod). In the document that would be a <style>
// element, which the admin page's Content-Security-Policy forbids (no inline styles). Inside a
// shadow root style-mod uses constructed stylesheets (adoptedStyleSheets), which the policy
// allows, so every editor lives in one, with its looks in the theme below: the page's own
// stylesheet does not reach into the shadow root.
import { EditorView } from "@codemirror/view";

/** The host's (open) shadow root, made on first use. */
export function shadowRootOf(host: HTMLElement): ShadowRoot {
	return host.shadowRoot ?? host.attachShadow({ mode: "open" });
}

const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";

/** The page's type, focus ring and colours, for editors inside a shadow root. */
export const pageTheme = EditorView.theme({
	"&": { height: "100%", fontSize: "13px", backgroundColor: "#ffffff", color: "#1b1f24" },
	"&.cm-focused": { outline: "3px solid #f59e0b", outlineOffset: "-3px" },
	".cm-scroller": { fontFamily: MONO, lineHeight: "1.5" },
	".cm-gutters": { backgroundColor: "#f6f8fa", color: "#57606a", borderRight: "1px solid #d0d7de" },
	".cm-activeLine": { backgroundColor: "#f3f6fa" },
	".cm-activeLineGutter": { backgroundColor: "#e7ecf2", color: "#1b1f24" },
	".cm-tooltip": { border: "1px solid #d0d7de", backgroundColor: "#ffffff" },
	".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "#0b5cad", color: "#ffffff" },
	".cm-completionDetail": { color: "#57606a", fontStyle: "normal", marginLeft: "0.8em" },
	".cm-completionInfo": { whiteSpace: "pre-wrap", maxWidth: "28rem" },
	".schema-doc": {
		whiteSpace: "pre-wrap",
		maxWidth: "28rem",
		padding: "0.4rem 0.6rem",
		fontFamily: "system-ui, sans-serif",
		fontSize: "13px",
	},
	".cm-diagnostic": { fontFamily: "system-ui, sans-serif" },
});
