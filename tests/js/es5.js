// Checks that each file parses as ECMAScript 5, the language of the old
// Android WebViews and WeChat's browser that residents use.
//   node tests/js/es5.js FILE...   → exit 1 naming the first offence
'use strict';
var acorn = require('acorn');
var fs = require('fs');
var failed = false;
process.argv.slice(2).forEach(function (file) {
  try {
    acorn.parse(fs.readFileSync(file, 'utf8'), { ecmaVersion: 5, sourceType: 'script' });
  } catch (e) {
    console.error(file + ': not ES5: ' + e.message);
    failed = true;
  }
});
process.exit(failed ? 1 : 0);
