// Like cjk-reference.mjs, for cases given as a JSON list on stdin (random
// cases made by src/markdown/spec_tests.rs). Prints JSON: [html, ...].
import MarkdownIt from 'markdown-it';
import cjkFriendly from 'markdown-it-cjk-friendly';

const md = MarkdownIt({ html: true }).use(cjkFriendly);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify(JSON.parse(input).map((c) => md.render(c))));
});
