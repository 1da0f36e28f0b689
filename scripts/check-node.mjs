// Wrangler 4.164 and vitest 5 need Node >= 22; the `node` devDependency provides it through npm scripts.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `Node ${process.versions.node} is too old: this project needs Node >= 22.18.\n` +
      "Run it through npm (npm run dev, npm test), which puts the pinned node from node_modules/.bin first on PATH.\n" +
      "If node_modules/.bin/node is missing, reinstall with `npm ci` (package.json allowScripts lets its install script run).",
  );
  process.exit(1);
}
