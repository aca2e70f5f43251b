// The reference reading of CJK-friendly emphasis: markdown-it with the
// amendment authors' own plugin (markdown-it-cjk-friendly), on each case
// of tests/markdown/cjk-friendly.md (cases are separated by blank lines).
// Prints JSON: [[case, html], ...]. src/markdown/spec_tests.rs compares.
import { readFileSync } from 'node:fs';
import MarkdownIt from 'markdown-it';
import cjkFriendly from 'markdown-it-cjk-friendly';

const md = MarkdownIt({ html: true }).use(cjkFriendly);
const cases = readFileSync(process.argv[2], 'utf8').split(/\n\n+/).filter((c) => c.trim());
process.stdout.write(JSON.stringify(cases.map((c) => [c, md.render(c)])));
