import * as esbuild from "esbuild";
const define = { RECORDS_STORE: JSON.stringify(process.argv[2]) };
const r = await esbuild.build({ entryPoints: ["workers/gateway/src/index.ts"], bundle: true, minify: true, format: "esm", platform: "neutral", conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"], external: ["cloudflare:*", "node:*"], metafile: true, write: false, define });
const inputs = r.metafile.outputs[Object.keys(r.metafile.outputs)[0]].inputs;
const byPkg = {};
for (const [file, info] of Object.entries(inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)(\/[^/]+)?/.exec(file); const k = m ? m[1] + (m[1]==="drizzle-orm" ? (m[2]??"") : "") : file.split("/").slice(0,4).join("/");
  byPkg[k] = (byPkg[k] ?? 0) + info.bytesInOutput;
}
for (const [k, v] of Object.entries(byPkg).sort((a,b)=>b[1]-a[1]).slice(0,22)) console.log((v/1024).toFixed(1).padStart(7), k);
