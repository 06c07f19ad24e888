import type { Child } from "hono/jsx";
import type { PageAccount } from "../env";
import { SCRIPT_URL, STYLE_URL } from "./assets";
import { listUrl, SIGN_OUT_URL, signInUrl } from "./urls";

/** What every page hands the layout: the CSP nonce of this response and where the search box searches. */
export interface PageContext {
  nonce: string;
  /** the list the page belongs to (breadcrumb, search scope), or null */
  list: { slug: string; name: string } | null;
  /** the query to show in the search box */
  q?: string;
  /** the signed-in user, or null */
  account: PageAccount | null;
  /** this page's path and query: where forms come back to */
  path: string;
}

export interface LayoutProps {
  ctx: PageContext;
  /** the document title (the list and site name are added) */
  title: string;
  /** breadcrumb entries after the list */
  crumbs?: { href?: string; label: string }[];
  children?: Child;
}

export function SearchBox(props: { list: PageContext["list"]; q?: string; mode?: string; id?: string }) {
  const id = props.id ?? "q";
  const scope = props.list ? props.list.slug : "all lists";
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for the phones this must work on
    <form class="search" role="search" method="get" action={props.list ? listUrl(props.list.slug) : "/all/"}>
      <label for={id} class="dim">
        Search {scope}
      </label>
      <input type="search" id={id} name="q" value={props.q ?? ""} placeholder="s:subject f:from d:2020.." />
      {props.mode && props.mode !== "lexical" ? <input type="hidden" name="mode" value={props.mode} /> : null}
      <button type="submit">Search</button>
    </form>
  );
}

/** A form that changes state: POST, with the CSRF token and the page to come back to. */
export function ActionForm(props: {
  ctx: PageContext;
  action: string;
  fields?: Record<string, string | number>;
  label: string;
  /** the button's accessible name when the label alone is ambiguous (it must start with the label) */
  name?: string;
  class?: string;
}) {
  return (
    <form method="post" action={props.action} class={props.class ?? "act"}>
      <input type="hidden" name="csrf" value={props.ctx.account?.csrf ?? ""} />
      <input type="hidden" name="next" value={props.ctx.path} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={String(value)} />
      ))}
      <button type="submit" aria-label={props.name}>
        {props.label}
      </button>
    </form>
  );
}

function UserMenu(props: { ctx: PageContext }) {
  const { account, path } = props.ctx;
  if (!account)
    return (
      <nav class="user" aria-label="Account">
        <a href={signInUrl(path)}>Sign in</a>
      </nav>
    );
  return (
    <nav class="user" aria-label="Account">
      <span class="who">{account.displayName || account.email}</span>
      <a href="/notifications">{`Notifications (${account.unread} unread)`}</a>
      {account.csrf ? <ActionForm ctx={props.ctx} action={SIGN_OUT_URL} label="Sign out" /> : null}
    </nav>
  );
}

/** The one layout of every page. The user menu slot (`nav.user`) is where sign-in and notifications go. */
export function Layout(props: LayoutProps) {
  const { ctx } = props;
  const title = [props.title, ctx.list?.slug, "Nexus"].filter(Boolean).join(" · ");
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{title}</title>
        <link rel="stylesheet" href={STYLE_URL} />
        <script src={SCRIPT_URL} nonce={ctx.nonce} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <a class="brand" href="/">
            Nexus
          </a>
          <nav class="crumbs" aria-label="Breadcrumb">
            {ctx.list ? <a href={listUrl(ctx.list.slug)}>{ctx.list.slug}</a> : null}
            {(props.crumbs ?? []).map((c) => (
              <>
                {" / "}
                {c.href ? <a href={c.href}>{c.label}</a> : <span>{c.label}</span>}
              </>
            ))}
          </nav>
          <UserMenu ctx={ctx} />
        </header>
        <main id="main">{props.children}</main>
        <footer class="site">
          Nexus · a reader for Linux kernel mailing lists · <a href="/api/docs">API</a>
        </footer>
      </body>
    </html>
  );
}
