import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cloneEpoch, KGDB_BUNDLE, KGDB_LIST, referenceInbox, startNexus, startPublicInboxHttpd } from "./lib/lore-peers";
const work = mkdtempSync(join(tmpdir(), "b4p-"));
cloneEpoch(KGDB_BUNDLE, join(work, "0.git"));
const [pi, nx] = await Promise.all([startPublicInboxHttpd(referenceInbox(KGDB_BUNDLE, KGDB_LIST), KGDB_LIST), startNexus(join(work, "0.git"), KGDB_LIST)]);
function proxy(target: string, tag: string): Promise<string> {
  const t = new URL(target);
  const srv = http.createServer((req, res) => {
    const t0 = performance.now();
    const p = http.request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      let n = 0;
      r.on("data", (c) => { n += c.length; res.write(c); });
      r.on("end", () => { res.end(); console.log(tag, req.method, req.url, r.statusCode, n, (performance.now() - t0).toFixed(1)); });
    });
    req.pipe(p);
  });
  return new Promise((ok) => srv.listen(0, "127.0.0.1", () => ok(`http://127.0.0.1:${(srv.address() as any).port}`)));
}
const series = "20200707180414.10467-1-rdunlap@infradead.org";
for (const [tag, base] of [["pi", await proxy(pi.base, "pi")], ["nx", await proxy(nx.base, "nx")], ["pi", await proxy(pi.base, "pi")], ["nx", await proxy(nx.base, "nx")]] as const) {
  const home = mkdtempSync(join(work, "h-"));
  const cfg = { "b4.midmask": `${base}/${KGDB_LIST}/%s`, "b4.linkmask": `${base}/${KGDB_LIST}/%s`, "b4.attestation-policy": "off", "user.name": "B", "user.email": "b@e.invalid" };
  const env: NodeJS.ProcessEnv = { PATH: "/usr/bin:/bin", HOME: home, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_COUNT: String(Object.keys(cfg).length) };
  Object.entries(cfg).forEach(([k, v], i) => { env[`GIT_CONFIG_KEY_${i}`] = k; env[`GIT_CONFIG_VALUE_${i}`] = v; });
  const t0 = performance.now();
  await new Promise<void>((ok) => { const c = spawn("b4", ["am", "-o", home, series], { env, cwd: home, stdio: "ignore" }); c.on("exit", () => ok()); });
  console.log(tag, "total", (performance.now() - t0).toFixed(0));
}
await pi.stop(); await nx.stop(); process.exit(0);
