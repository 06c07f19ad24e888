/**
 * The API reference page at /api/docs: a static page whose script fetches the OpenAPI document and lists
 * every operation with its parameters and responses. Self-contained (no CDN), so it works offline.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nexus API reference</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 980px; padding: 1rem 1.5rem; color: #1d1d1f; }
  h1 { margin-bottom: .2rem; } .lead { color: #555; margin-top: 0; }
  nav a { margin-right: 1rem; }
  section.op { border: 1px solid #ddd; border-radius: 6px; margin: 1rem 0; padding: .6rem 1rem; }
  .method { font: bold 13px monospace; padding: .1rem .45rem; border-radius: 4px; background: #0b6bcb; color: #fff; }
  .path { font: 15px monospace; margin-left: .5rem; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; margin: .4rem 0; }
  th, td { text-align: left; border-bottom: 1px solid #eee; padding: .25rem .4rem; vertical-align: top; }
  code { background: #f4f4f6; padding: 0 .25rem; border-radius: 3px; }
  .tag { color: #666; font-size: 13px; text-transform: uppercase; letter-spacing: .05em; margin-top: 2rem; }
</style>
</head>
<body>
<h1>Nexus API reference</h1>
<p class="lead">Generated from <a id="source" href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
<nav><a href="#" data-doc="/api/v1/openapi.json">Read API</a><a href="#" data-doc="/admin/v1/openapi.json" id="admin-link">Admin API</a></nav>
<main id="ops">Loading…</main>
<script>
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
function typeOf(schema, doc) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf || schema.oneOf) return (schema.anyOf || schema.oneOf).map((s) => typeOf(s, doc)).join(" | ");
  if (schema.type === "array") return typeOf(schema.items, doc) + "[]";
  let t = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || "object";
  const bounds = [];
  if (schema.minimum !== undefined) bounds.push("≥ " + schema.minimum);
  if (schema.maximum !== undefined) bounds.push("≤ " + schema.maximum);
  if (schema.maxLength !== undefined) bounds.push("length ≤ " + schema.maxLength);
  return bounds.length ? t + " (" + bounds.join(", ") + ")" : t;
}
async function show(url) {
  const main = document.getElementById("ops");
  document.getElementById("source").href = url;
  document.getElementById("source").textContent = url;
  const res = await fetch(url);
  if (!res.ok) { main.textContent = "Cannot load " + url + " (" + res.status + ")"; return; }
  const doc = await res.json();
  const base = (doc.servers && doc.servers[0] && doc.servers[0].url) || "";
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  let html = "<p>" + esc(doc.info && doc.info.description) + "</p>";
  for (const [tag, ops] of byTag) {
    html += '<h2 class="tag">' + esc(tag) + "</h2>";
    for (const { path, method, op } of ops) {
      html += '<section class="op"><div><span class="method">' + esc(method.toUpperCase()) + '</span><span class="path">' +
        esc(base + path) + "</span></div><p><strong>" + esc(op.summary) + "</strong></p>";
      if (op.description) html += "<p>" + esc(op.description) + "</p>";
      const params = op.parameters || [];
      if (params.length) {
        html += "<table><tr><th>parameter</th><th>in</th><th>type</th><th>default</th><th>description</th></tr>";
        for (const p of params) {
          html += "<tr><td><code>" + esc(p.name) + "</code>" + (p.required ? " *" : "") + "</td><td>" + esc(p.in) +
            "</td><td>" + esc(typeOf(p.schema, doc)) + "</td><td>" + esc(p.schema && p.schema.default) + "</td><td>" +
            esc(p.description || (p.schema && p.schema.description)) + "</td></tr>";
        }
        html += "</table>";
      }
      const codes = Object.entries(op.responses || {}).map(([code, r]) => "<code>" + esc(code) + "</code> " + esc(r.description));
      html += "<p>Responses: " + codes.join(" · ") + "</p></section>";
    }
  }
  main.innerHTML = html;
}
for (const a of document.querySelectorAll("nav a")) {
  a.addEventListener("click", (e) => { e.preventDefault(); show(a.dataset.doc); });
}
show("/api/v1/openapi.json");
</script>
</body>
</html>
`;
