// Is node_modules/ complete? Every package that package-lock.json lists must be there.
//   node scripts/node-modules-complete.js [folder]    (default: the repository root)
// Exit status 0 if so; otherwise 1, naming the first missing package. scripts/setup-env.sh
// runs it so that a partly deleted node_modules is reinstalled even when its stamp is current.
"use strict";
const fs = require("fs");
const path = require("path");

const root = process.argv[2] || path.join(__dirname, "..");
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
const missing = Object.keys(lock.packages || {}).filter(
  (name) => name !== "" && !fs.existsSync(path.join(root, name, "package.json"))
);
if (missing.length) {
  console.error(`node_modules is incomplete: ${missing.length} package(s) missing, first ${missing[0]}`);
  process.exit(1);
}
