// The one script of the pages: enhancements only, every page works without it. j/k move between messages of
// a thread page, "copy" buttons copy a command. No inline handlers: the CSP allows this file by its nonce only.
export const SCRIPT = `(()=>{"use strict";
const ms=()=>[...document.querySelectorAll("article.m")];let at=-1;
document.addEventListener("keydown",e=>{const t=e.target;if(e.ctrlKey||e.metaKey||e.altKey||(t&&/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))return;
const l=ms();if(!l.length)return;if(e.key!=="j"&&e.key!=="k")return;
if(at<0){const h=location.hash.slice(1);at=Math.max(0,l.findIndex(m=>m.id===h));if(e.key==="k")at++}
at=Math.min(l.length-1,Math.max(0,at+(e.key==="j"?1:-1)));l.forEach(m=>m.classList.remove("sel"));const m=l[at];m.classList.add("sel");
m.scrollIntoView({block:"start"});const h=m.querySelector("h2,h3");if(h){h.tabIndex=-1;h.focus({preventScroll:true})}});
for(const b of document.querySelectorAll("button[data-copy]")){b.hidden=false;b.addEventListener("click",()=>{const p=document.getElementById(b.dataset.copy);
if(p&&navigator.clipboard)navigator.clipboard.writeText(p.textContent.trim()).then(()=>{b.textContent="copied"},()=>{b.textContent="select and copy"})})}
})();`;
