import type { Child } from "hono/jsx";
import { SCRIPT_URL, STYLE_URL } from "./assets";
import { listUrl } from "./urls";

/** What every page hands the layout: the CSP nonce of this response and where the search box searches. */
export interface PageContext {
  nonce: string;
  /** the list the page belongs to (breadcrumb, search scope), or null */
  list: { slug: string; name: string } | null;
  /** the query to show in the search box */
  q?: string;
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
          <nav class="user" aria-label="Account" />
        </header>
        <main id="main">{props.children}</main>
        <footer class="site">
          Nexus · a reader for Linux kernel mailing lists · <a href="/api/docs">API</a>
        </footer>
      </body>
    </html>
  );
}
