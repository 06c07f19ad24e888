import { escapeMessageId as midPathSegment } from "../publicinbox/message-id-path";

/** The URLs of the pages: lore's layout (public-inbox's), plus series and author pages of our own. */

export const listUrl = (slug: string) => `/${slug}/`;
export const messageUrl = (slug: string, messageId: string) => `/${slug}/${midPathSegment(messageId)}/`;
export const threadFlatUrl = (slug: string, messageId: string) => `${messageUrl(slug, messageId)}T/`;
export const threadNestedUrl = (slug: string, messageId: string) => `${messageUrl(slug, messageId)}t/`;
export const rawUrl = (slug: string, messageId: string) => `${messageUrl(slug, messageId)}raw`;
export const threadMboxUrl = (slug: string, messageId: string) => `${messageUrl(slug, messageId)}t.mbox.gz`;
export const seriesUrl = (slug: string, id: number) => `/${slug}/series/${id}/`;
export const authorUrl = (id: number) => `/authors/${id}/`;
/** Search over one list, or over every list ("all", as lore names its combined inbox). */
export const searchUrl = (slug: string | null, q: string) => `/${slug ?? "all"}/?q=${encodeURIComponent(q)}`;
/** The anchor of a message on a thread page. */
export const anchorOf = (emailId: number | null, messageId: string) =>
  emailId === null ? `p${midPathSegment(messageId).replace(/[^A-Za-z0-9]/g, "")}` : `m${emailId}`;
/** The page session's hops under the refresh cookie's path (functions/web/account.tsx). */
export const REFRESH_URL = "/api/v1/auth/session";
export const SIGN_OUT_URL = "/api/v1/auth/session/logout";
export const followUrl = (threadId: number) => `/_/follow/${threadId}`;
export const MARK_READ_URL = "/_/notifications/read";
export const signInUrl = (next: string) =>
  next === "/" || next.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(next)}`;
