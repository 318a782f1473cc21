// Runs ANCT's own library (@gouvfr-anct/lieux-de-mediation-numerique) over a national export of ours.
//
//   node tests/directory/national_roundtrip.mjs FILE.json|FILE.csv
//
// Each row goes through the library's import (fromSchemaLieuDeMediationNumerique), the way the
// national map ingests a file, then through its export (toSchemaLieuMediationNumerique). Prints one
// JSON report on stdout: rows read, rows accepted, the rows refused with the library's error, and
// every field whose value came back different from ours, or that the library added or dropped.
//
// A CSV cell that is empty is a value left absent; latitude and longitude are numbers, as the
// schema types them. The JSON is read as it is (an absent key or null is a value left absent).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { parse } from "csv-parse/sync";

const require = createRequire(import.meta.url);
const { fromSchemaLieuDeMediationNumerique, toSchemaLieuMediationNumerique } = require(
  "@gouvfr-anct/lieux-de-mediation-numerique",
);

const NUMBERS = new Set(["latitude", "longitude"]);

function csvRows(text) {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }).map((record) => {
    const row = {};
    for (const [key, value] of Object.entries(record)) {
      if (value === "") continue;
      row[key] = NUMBERS.has(key) ? Number(value) : value;
    }
    return row;
  });
}

function jsonRows(text) {
  const document = JSON.parse(text);
  const rows = Array.isArray(document) ? document : document.lieux;
  return rows.map((item) => Object.fromEntries(Object.entries(item).filter(([, value]) => value != null)));
}

function same(ours, theirs) {
  if (typeof ours === "number" || typeof theirs === "number") return Number(ours) === Number(theirs);
  return ours === theirs;
}

function check(rows) {
  const refused = [];
  const changed = [];
  let accepted = 0;
  rows.forEach((row, index) => {
    let lieu;
    try {
      lieu = fromSchemaLieuDeMediationNumerique(row);
    } catch (error) {
      refused.push({ index, id: row.id, error: error.constructor.name, message: String(error.message) });
      return;
    }
    accepted += 1;
    const back = toSchemaLieuMediationNumerique(lieu);
    for (const field of new Set([...Object.keys(row), ...Object.keys(back)])) {
      if (!same(row[field], back[field])) {
        changed.push({ id: row.id, field, ours: row[field] ?? null, library: back[field] ?? null });
      }
    }
  });
  return { rows: rows.length, accepted, refused, changed };
}

const path = process.argv[2];
if (!path) {
  process.stderr.write("usage: node national_roundtrip.mjs FILE.json|FILE.csv\n");
  process.exit(2);
}
const text = readFileSync(path, "utf8");
const rows = path.endsWith(".csv") ? csvRows(text) : jsonRows(text);
process.stdout.write(JSON.stringify(check(rows)) + "\n");
