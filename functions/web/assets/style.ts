// The one stylesheet of the pages (served by functions/web/assets.ts under a content-hash name). A TS string:
// the Worker cannot read files at run time. Light and dark from prefers-color-scheme; no web fonts.
export const STYLE = `
:root{--bg:#fff;--fg:#1f2328;--dim:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--link:#0550ae;--add:#116329;--del:#a40e26;--hunk:#6639ba;--file:#1f2328;--q1:#0a5c36;--q2:#7c3a00;--q3:#4a3aa6;--mark:#fff2a8;--tr:#0550ae;--addbg:#dafbe1;--delbg:#ffebe9;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--dim:#9198a1;--line:#3d444d;--soft:#151b23;--link:#6cb6ff;--add:#56d364;--del:#ff7b72;--hunk:#d2a8ff;--file:#f0f6fc;--q1:#7ee2a8;--q2:#f0b072;--q3:#b8b1ff;--mark:#5c4d00;--tr:#79c0ff;--addbg:#12261e;--delbg:#2d1214}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:9}
header.site{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:8px 16px;border-bottom:1px solid var(--line);background:var(--soft)}
header.site .brand{font-weight:700;text-decoration:none;color:var(--fg)}
header.site nav.crumbs{flex:1 1 auto;min-width:0;overflow-wrap:anywhere}
header.site .user{margin-left:auto}
main{max-width:1100px;margin:0 auto;padding:12px 16px 40px}
h1{font-size:1.35rem;margin:.4em 0;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.2em 0 .4em}
h3{font-size:1rem;margin:1em 0 .3em;overflow-wrap:anywhere}
footer.site{color:var(--dim);font-size:.85rem;padding:16px;border-top:1px solid var(--line);text-align:center}
form.search{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:8px 0}
form.search input[type=search]{flex:1 1 16em;min-width:0;font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button,select{font:inherit;padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:var(--soft);color:var(--fg);cursor:pointer}
fieldset{border:0;padding:0;margin:0;display:flex;gap:8px;flex-wrap:wrap}
.dim,.meta{color:var(--dim)}
.meta{font-size:.88rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;font-size:.9rem}
td.n,th.n{text-align:right;white-space:nowrap}
.wrap{overflow-x:auto}
ul.threads{list-style:none;padding:0;margin:0}
ul.threads li{padding:7px 0;border-bottom:1px solid var(--line)}
ul.threads .s{font-weight:600;overflow-wrap:anywhere}
.tag{display:inline-block;font-size:.75rem;line-height:1.3;padding:0 6px;border-radius:9px;border:1px solid var(--line);color:var(--dim);margin-left:4px;white-space:nowrap;text-decoration:none}
.tag.p{color:var(--add);border-color:var(--add)}
.tag.r{color:var(--tr);border-color:var(--tr)}
nav.pager{display:flex;gap:16px;margin:14px 0}
.hdrs{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0 0 10px;font-size:.92rem}
.hdrs dt{color:var(--dim)}.hdrs dd{margin:0;overflow-wrap:anywhere}
.links{display:flex;flex-wrap:wrap;gap:4px 14px;margin:10px 0;font-size:.92rem}
.body pre,pre.b,pre.cmd,pre.idiff{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.45 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace}
.body{margin:8px 0}
.body .diff pre{white-space:pre;overflow-x:auto;overflow-wrap:normal}
.q1{color:var(--q1)}.q2{color:var(--q2)}.q3,.q4,.q5,.q6{color:var(--q3)}
.body details{margin:2px 0}
.body summary{color:var(--dim);font-size:.85rem;cursor:pointer}
.a{color:var(--add);background:var(--addbg)}.d{color:var(--del);background:var(--delbg)}.h{color:var(--hunk)}.f{color:var(--file);font-weight:700}.x{color:var(--dim)}
.t{color:var(--tr);font-weight:600}
.sig{color:var(--dim)}
mark{background:var(--mark);color:inherit}
article.m{border-top:2px solid var(--line);padding-top:8px;margin-top:18px;scroll-margin-top:8px}
article.m:target,article.m.sel{border-top-color:var(--link)}
article.m h2,article.m h3{margin:.2em 0;font-size:1rem}
ul.tree{list-style:none;padding:0;margin:0 0 10px;font-size:.9rem}
ul.tree li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.d1{margin-left:1ch}.d2{margin-left:2ch}.d3{margin-left:3ch}.d4{margin-left:4ch}.d5{margin-left:5ch}.d6{margin-left:6ch}.d7{margin-left:7ch}.d8{margin-left:8ch}.d9{margin-left:9ch}.d10{margin-left:10ch}
article.m.n1{margin-left:1.2em}article.m.n2{margin-left:2.4em}article.m.n3{margin-left:3.6em}article.m.n4{margin-left:4.8em}article.m.n5{margin-left:6em}
@media (max-width:600px){article.m.n1,article.m.n2,article.m.n3,article.m.n4,article.m.n5{margin-left:0;border-left:3px solid var(--line);padding-left:6px}}
.err{border:1px solid var(--del);border-radius:6px;padding:8px 12px;margin:8px 0}
.err pre{margin:4px 0 0;font:13px ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
.hit{margin:6px 0 10px}
.hit .snip{margin:2px 0;overflow-wrap:anywhere}
.vers td{min-width:12em}
.cmd{display:flex;gap:6px;align-items:flex-start;margin:4px 0}
pre.cmd{flex:1 1 auto;padding:6px 8px;background:var(--soft);border:1px solid var(--line);border-radius:6px;overflow-x:auto;white-space:pre;overflow-wrap:normal}
pre.idiff{white-space:pre;overflow-x:auto;overflow-wrap:normal;padding:6px;background:var(--soft);border-radius:6px}
details.patch{margin:6px 0;border-bottom:1px solid var(--line);padding-bottom:6px}
details.patch summary{cursor:pointer;overflow-wrap:anywhere}
svg.bars rect{fill:var(--link)}svg.bars text{fill:var(--dim);font-size:10px}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 24px}
header.site nav.user{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center}
form.act{display:inline}
.follow{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:8px 0}
form.login{display:grid;gap:6px;max-width:22em}
form.login input{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
form.login button{justify-self:start}
.problem{border-left:4px solid var(--del);padding:4px 10px}
ul.notes{padding-left:1.2em}ul.notes li{margin:6px 0}ul.notes li.unread>a{font-weight:700}ul.notes form.act{margin-left:6px}
@media (max-width:600px){main{padding:8px 10px 32px}header.site{padding:6px 10px}body{font-size:15px}}
`;
