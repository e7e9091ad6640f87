// The shell: sign-in when signed out, otherwise the header and the page for the current route.
import { useEffect, useState } from "preact/hooks";
import { getSession, type Session, signOut, subscribe } from "./api/session";
import { useRoute } from "./lib/router";
import { AuditLogPage } from "./pages/audit-log-page";
import { ComparePage, EditorPage } from "./pages/editor-pages";
import { InboxPage } from "./pages/inbox-page";
import { NotFoundPage } from "./pages/not-found";
import { OverviewPage } from "./pages/overview-page";
import { RunPage } from "./pages/run-page";
import { RunsPage } from "./pages/runs-page";
import { SecretsPage } from "./pages/secrets-page";
import { SettingsPage } from "./pages/settings-page";
import { SignInPage } from "./pages/sign-in";
import { WorkflowPage } from "./pages/workflow-page";
import { WorkflowsPage } from "./pages/workflows-page";

function useSession(): Session | null {
	const [session, setSession] = useState(getSession);
	useEffect(() => subscribe(() => setSession(getSession())), []);
	return session;
}

function Page({ session }: { session: Session }) {
	const { segments, query } = useRoute();
	const [first, second] = segments;
	const third = segments[2];
	if (segments.length === 0) return <OverviewPage />;
	if (first === "workflows" && !second) return <WorkflowsPage />;
	// Not under workflows/: "new" is a valid workflow identifier.
	if (first === "new" && !second) return <EditorPage identifier={null} session={session} />;
	if (first === "workflows" && second && segments.length === 2)
		return <WorkflowPage identifier={second} session={session} />;
	if (first === "workflows" && second && third === "edit" && segments.length === 3)
		return <EditorPage identifier={second} session={session} />;
	if (first === "workflows" && second && third === "compare" && segments.length === 3)
		return <ComparePage identifier={second} query={query} />;
	if (first === "runs" && !second) return <RunsPage query={query} session={session} />;
	if (first === "runs" && second && segments.length === 2)
		return <RunPage runId={second} session={session} />;
	if (first === "inbox" && !second) return <InboxPage query={query} session={session} />;
	if (first === "secrets" && !second) return <SecretsPage session={session} />;
	if (first === "audit" && !second) return <AuditLogPage query={query} />;
	if (first === "settings" && !second) return <SettingsPage session={session} />;
	return <NotFoundPage />;
}

function Header({ session }: { session: Session }) {
	const { segments } = useRoute();
	// The section a route belongs to; a new workflow's editor is under Workflows.
	const section = segments[0] === "new" ? "workflows" : (segments[0] ?? "overview");
	const { sub, role, tid } = session.claims;
	return (
		<header class="top">
			<a class="brand" href="#/">
				Stepline
			</a>
			<nav aria-label="Sections">
				<a href="#/" aria-current={section === "overview" ? "page" : undefined}>
					Overview
				</a>
				<a href="#/workflows" aria-current={section === "workflows" ? "page" : undefined}>
					Workflows
				</a>
				<a href="#/runs" aria-current={section === "runs" ? "page" : undefined}>
					Runs
				</a>
				<a href="#/inbox" aria-current={section === "inbox" ? "page" : undefined}>
					Inbox
				</a>
				<a href="#/secrets" aria-current={section === "secrets" ? "page" : undefined}>
					Secrets
				</a>
				<a href="#/settings" aria-current={section === "settings" ? "page" : undefined}>
					Settings
				</a>
				{role === "admin" && (
					<a href="#/audit" aria-current={section === "audit" ? "page" : undefined}>
						Audit log
					</a>
				)}
			</nav>
			<div class="who">
				<span title={`tenant ${tid}`}>
					{sub} · {role}
				</span>
				<button type="button" class="link" onClick={() => signOut("You signed out.")}>
					Sign out
				</button>
			</div>
		</header>
	);
}

export function App() {
	const session = useSession();
	// Moving focus to the page heading on navigation tells keyboard and screen-reader users
	// that the page changed, as a full page load would.
	const { segments } = useRoute();
	const key = segments.join("/");
	useEffect(() => {
		document.querySelector<HTMLElement>("main h1")?.focus();
	}, [key]);
	if (!session) return <SignInPage />;
	return (
		<>
			{/* A button, not an anchor: "#main" would be read as a route. */}
			<button type="button" class="skip" onClick={() => document.getElementById("main")?.focus()}>
				Skip to content
			</button>
			<Header session={session} />
			<main id="main" tabIndex={-1}>
				<Page session={session} />
			</main>
		</>
	);
}
