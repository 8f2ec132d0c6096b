#!/usr/bin/env node
'use strict';
// The `creditbank` command (see `creditbank --help`). Built code lives in ../dist (npm run build).
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('creditbank: not built yet; run `npm run build` first\n');
  process.exit(2);
}
require(main)
  .run(process.argv)
  .then(
    (code) => process.exit(code ?? 0),
    (error) => {
      process.stderr.write(`creditbank: ${error && error.message ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
