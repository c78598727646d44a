/*
 * XLSForm / ODK expressions in the browser: relevance, constraints, calculations, choice filters.
 *
 * A port of survey/questionnaire/expressions/ (read the header of its __init__.py for the semantics); the cases in
 * tests/data/expression_cases.json keep the two in agreement, so change both together.
 * Plain ES2019, no dependencies. Positions and string lengths count Unicode code points, as
 * Python does.
 *
 *   VocesExpressions.evaluate("${age} >= 18", {age: "20"}, {current: "", today: "2026-11-30"})
 *   VocesExpressions.evaluate("position(..)", {}, {position: 2, repeats: {member: [{age: "40"}, {age: "9"}]}})
 *   VocesExpressions.evaluate("sum(${age})", {age: ""}, {repeats: {member: [{age: "40"}, {age: "9"}]}})  // 49
 *   VocesExpressions.evaluate("jr:choice-name(${s}, '${s}')", {s: "y"}, {choices: {s: {y: "Yes"}}})  // "Yes"
 *   VocesExpressions.evaluate("pulldata('hh', 'head', 'id', ${h})", {h: "7"}, {tables: {hh: [{id: "7", head: "Ana"}]}})
 *   VocesExpressions.truthy(result)
 *   VocesExpressions.references("${a} = ${b}")   // ["a", "b"]
 */
(function (global) {
  'use strict';

  var MAX_NESTING = 40;
  var MAX_HEIGHT = 120;

  var WHITESPACE = ' \t\n\r';
  // As Number() reads answers, exponents and a leading '+' included; not hexadecimal or 'Infinity'.
  var NUMBER = /^[ \t\n\r]*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?[ \t\n\r]*$/;
  var SPLIT = /[ \t\n\r]+/;
  var NAME_START = /^[A-Za-z_]$/;
  var NAME_CHAR = /^[A-Za-z0-9_\-]$/;
  var DIGIT = /^[0-9]$/;

  // name -> [fewest, most] arguments; -1 means any number
  var FUNCTIONS = {
    'selected': [2, 2],
    'count-selected': [1, 1],
    'string-length': [1, 1],
    'regex': [2, 2],
    'if': [3, 3],
    'today': [0, 0],
    'true': [0, 0],
    'false': [0, 0],
    'not': [1, 1],
    'number': [1, 1],
    'int': [1, 1],
    'string': [1, 1],
    'concat': [0, -1],
    'coalesce': [2, 2],
    'contains': [2, 2],
    'starts-with': [2, 2],
    'position': [0, 0], // written position(..): the parser reads the '..' itself
    'indexed-repeat': [3, 3],
    'sum': [1, 1], // sum(${question}): its answers in every instance of its repeat, added up
    'count': [1, 1], // count(${question}) or count(${repeat}): how many instances the repeat has
    // ODK functions on numbers, text and dates (functions.py)
    'now': [0, 0],
    'date': [1, 1],
    'decimal-date-time': [1, 1],
    'format-date': [2, 2],
    'format-date-time': [2, 2],
    'round': [1, 2],
    'substr': [2, 3],
    'join': [1, -1],
    'uuid': [0, 0],
    'once': [1, 1],
    'abs': [1, 1],
    'pow': [2, 2],
    'min': [1, -1],
    'max': [1, -1],
    'floor': [1, 1],
    'ceiling': [1, 1],
    'boolean': [1, 1],
    'boolean-from-string': [1, 1],
    'selected-at': [2, 2],
    'ends-with': [2, 2],
    'substring-before': [2, 2],
    'substring-after': [2, 2],
    'normalize-space': [0, 1], // without an argument: the current answer
    'translate': [3, 3],
    'sqrt': [1, 1],
    'count-non-empty': [1, 1], // count-non-empty(${question}): its instances answered
    'jr:choice-name': [2, 2], // jr:choice-name(value, '${question}'): the label of that choice
    'pulldata': [4, 4], // pulldata('file', 'column', 'key-column', key): a cell of a CSV sent with the form
    'instance': [1, 1], // only as instance('name')/root/item[filter]/column (Parser.lookup)
    'current': [0, 0] // only as current() or current()/../name (Parser.currentCall)
  };
  var ROWS = ['root', 'item']; // the path from instance('name') to its rows, as ODK writes it
  // Functions whose first arguments name a question or repeat rather than read its answer.
  var NAMING_ARGUMENTS = { 'indexed-repeat': 2, 'sum': 1, 'count': 1, 'count-non-empty': 1 };
  var README_SECTION = 'XLSForm: what Voces reads';
  var QUOTED_REFERENCE = /^\$\{([^}]*)\}$/;

  var LEVELS = [
    ['or'],
    ['and'],
    ['=', '!='],
    ['<', '<=', '>', '>='],
    ['+', '-'],
    ['*', 'div', 'mod']
  ];

  class ExpressionError extends Error {
    constructor(message) {
      super(message);
      this.name = 'ExpressionError';
    }
  }

  function fail(message, position) {
    return new ExpressionError(message + ' at character ' + position);
  }

  function hasOwn(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function isWhitespace(char) {
    return char !== undefined && char.length === 1 && WHITESPACE.indexOf(char) >= 0;
  }

  function isDigit(char) {
    return char !== undefined && DIGIT.test(char);
  }

  // Letters, '_' or anything from U+00C0 up (astral characters arrive as one element).
  function isReferenceStart(char) {
    return /^[A-Za-z_]$/.test(char) || char.charCodeAt(0) >= 0xc0;
  }

  function isReferenceChar(char) {
    return /^[A-Za-z0-9_.\-]$/.test(char) || char.charCodeAt(0) >= 0xc0;
  }

  function indexFrom(chars, wanted, from) {
    for (var i = from; i < chars.length; i++) {
      if (chars[i] === wanted) {
        return i;
      }
    }
    return -1;
  }

  function token(kind, text, position) {
    return { kind: kind, text: text, position: position };
  }

  // Split an expression into tokens, added to tokens (those before a fault stay there).
  function tokenize(expression, tokens) {
    var chars = Array.from(expression);
    var length = chars.length;
    var i = 0;
    while (i < length) {
      var char = chars[i];
      var start = i + 1;
      var close;
      var j;
      if (isWhitespace(char)) {
        i += 1;
      } else if (char === '$' && chars[i + 1] === '{') {
        close = indexFrom(chars, '}', i + 2);
        if (close < 0) {
          throw fail('unterminated reference', start);
        }
        var nameChars = chars.slice(i + 2, close);
        var name = nameChars.join('');
        var valid = nameChars.length > 0 && isReferenceStart(nameChars[0]);
        for (j = 1; valid && j < nameChars.length; j++) {
          valid = isReferenceChar(nameChars[j]);
        }
        if (!valid) {
          throw fail("invalid reference '${" + name + "}'", start);
        }
        tokens.push(token('reference', name, start));
        i = close + 1;
      } else if (char === "'" || char === '"') {
        close = indexFrom(chars, char, i + 1);
        if (close < 0) {
          throw fail('unterminated string', start);
        }
        tokens.push(token('string', chars.slice(i + 1, close).join(''), start));
        i = close + 1;
      } else if (isDigit(char) || (char === '.' && isDigit(chars[i + 1]))) {
        j = i;
        while (j < length && isDigit(chars[j])) {
          j += 1;
        }
        if (j < length && chars[j] === '.') {
          j += 1;
          while (j < length && isDigit(chars[j])) {
            j += 1;
          }
        }
        tokens.push(token('number', chars.slice(i, j).join(''), start));
        i = j;
      } else if (char === '.' && chars[i + 1] === '.') {
        tokens.push(token('parent', '..', start));
        i += 2;
      } else if (char === '.') {
        tokens.push(token('current', '.', start));
        i += 1;
      } else if (NAME_START.test(char)) {
        j = i + 1;
        while (j < length && NAME_CHAR.test(chars[j])) {
          j += 1;
        }
        if (chars[j] === ':' && j + 1 < length && NAME_START.test(chars[j + 1])) {
          j += 2; // a prefixed name, as jr:choice-name
          while (j < length && NAME_CHAR.test(chars[j])) {
            j += 1;
          }
        }
        tokens.push(token('name', chars.slice(i, j).join(''), start));
        i = j;
      } else if ((char === '!' || char === '<' || char === '>') && chars[i + 1] === '=') {
        tokens.push(token('operator', char + '=', start));
        i += 2;
      } else if ('=<>+-*(),/[]'.indexOf(char) >= 0) {
        tokens.push(token('operator', char, start));
        i += 1;
      } else {
        throw fail("unexpected character '" + char + "'", start);
      }
    }
    tokens.push(token('end', '', length + 1));
    return tokens;
  }

  function describe(tok) {
    if (tok.kind === 'end') {
      return 'end of expression';
    }
    if (tok.kind === 'string') {
      return "string '" + tok.text + "'";
    }
    if (tok.kind === 'reference') {
      return "'${" + tok.text + "}'";
    }
    return "'" + tok.text + "'";
  }

  // The refusal of a function Voces does not read, pointing to the README's list.
  function unknownFunction(name) {
    return new ExpressionError("unknown function '" + name.text + "' at character " + name.position +
      "; the README's '" + README_SECTION + "' lists the functions Voces reads");
  }

  function isOperator(tok, text) {
    return tok.kind === 'operator' && tok.text === text;
  }

  // Recursive descent; each rule returns [node, height].
  function Parser(tokens) {
    this.tokens = tokens;
    this.index = 0;
    this.nesting = 0;
    this.filters = 0; // how many lookup [filters] the parser is inside: a bare name there is a column
  }

  Parser.prototype.peek = function () {
    return this.tokens[this.index];
  };

  Parser.prototype.advance = function () {
    var tok = this.tokens[this.index];
    if (tok.kind !== 'end') { // the end stays, however often a rule asks past it
      this.index += 1;
    }
    return tok;
  };

  Parser.prototype.enter = function (tok) {
    this.nesting += 1;
    if (this.nesting > MAX_NESTING) {
      throw fail('expression nested too deeply', tok.position);
    }
  };

  Parser.prototype.expression = function () {
    return this.binary(0);
  };

  Parser.prototype.binary = function (level) {
    if (level === LEVELS.length) {
      return this.unary();
    }
    var result = this.binary(level + 1);
    var left = result[0];
    var height = result[1];
    var operators = LEVELS[level];
    for (;;) {
      var tok = this.peek();
      var isWord = tok.kind === 'name' &&
        (tok.text === 'or' || tok.text === 'and' || tok.text === 'div' || tok.text === 'mod');
      if (!((tok.kind === 'operator' || isWord) && operators.indexOf(tok.text) >= 0)) {
        return [left, height];
      }
      this.advance();
      var right = this.binary(level + 1);
      height = Math.max(height, right[1]) + 1;
      if (height > MAX_HEIGHT) {
        throw fail('expression too long', tok.position);
      }
      left = { type: 'binary', operator: tok.text, left: left, right: right[0], position: tok.position };
    }
  };

  Parser.prototype.unary = function () {
    var tok = this.peek();
    if (isOperator(tok, '-')) {
      this.advance();
      this.enter(tok);
      var result = this.unary();
      this.nesting -= 1;
      return [{ type: 'negate', operand: result[0], position: tok.position }, result[1] + 1];
    }
    return this.primary();
  };

  Parser.prototype.primary = function () {
    var tok = this.advance();
    if (tok.kind === 'number') {
      return [{ type: 'literal', value: Number(tok.text) }, 1];
    }
    if (tok.kind === 'string') {
      return [{ type: 'literal', value: tok.text }, 1];
    }
    if (tok.kind === 'reference') {
      return [{ type: 'reference', name: tok.text, position: tok.position }, 1];
    }
    if (tok.kind === 'current') {
      return [{ type: 'current', position: tok.position }, 1];
    }
    if (isOperator(tok, '(')) {
      this.enter(tok);
      var result = this.expression();
      this.expectClose();
      this.nesting -= 1;
      return result;
    }
    if (tok.kind === 'name' && isOperator(this.peek(), '(')) {
      if (tok.text === 'instance') {
        return this.lookup(tok, false);
      }
      if (tok.text === 'current') {
        return this.currentCall(tok);
      }
      return this.call(tok);
    }
    if (tok.kind === 'name' && this.filters) {
      return [{ type: 'column', name: tok.text, position: tok.position }, 1];
    }
    throw fail('unexpected ' + describe(tok), tok.position);
  };

  Parser.prototype.call = function (name) {
    if (!hasOwn(FUNCTIONS, name.text)) {
      throw unknownFunction(name);
    }
    this.advance(); // the '('
    if (name.text === 'position') {
      return this.positionCall(name);
    }
    var after = this.tokens[Math.min(this.index + 1, this.tokens.length - 1)];
    var lookup = this.peek().kind === 'name' && this.peek().text === 'instance';
    if (name.text === 'count' && lookup && isOperator(after, '(')) {
      var rows = this.lookup(this.advance(), true);
      this.expectClose();
      return [{ type: 'call', name: name.text, args: [rows[0]], position: name.position }, rows[1] + 1];
    }
    this.enter(name);
    var args = [];
    var height = 0;
    if (!isOperator(this.peek(), ')')) {
      for (;;) {
        var result = this.expression();
        args.push(result[0]);
        height = Math.max(height, result[1]);
        if (isOperator(this.peek(), ',')) {
          this.advance();
          continue;
        }
        break;
      }
    }
    this.expectClose();
    this.nesting -= 1;
    var naming = NAMING_ARGUMENTS[name.text] || 0;
    for (var n = 0; n < Math.min(naming, args.length); n++) {
      if (args[n].type !== 'reference') {
        throw fail('argument ' + (n + 1) + ' of ' + name.text + '() must be a ${name}', name.position);
      }
    }
    var fewest = FUNCTIONS[name.text][0];
    var most = FUNCTIONS[name.text][1];
    if (args.length < fewest || (most >= 0 && args.length > most)) {
      var wanted = fewest === 0 ? 'no arguments' : (fewest === 1 ? '1 argument' : fewest + ' arguments');
      if (most !== fewest) {
        wanted = most >= 0 ? fewest + ' to ' + most + ' arguments' : 'at least ' + wanted;
      }
      throw fail(name.text + '() takes ' + wanted + ' but got ' + args.length, name.position);
    }
    if (name.text === 'jr:choice-name') {
      args[1] = namedQuestion(args[1], name);
    }
    if (name.text === 'pulldata' && !(args[0].type === 'literal' && typeof args[0].value === 'string')) {
      throw fail('argument 1 of pulldata() must be a file name in quotes', name.position);
    }
    return [{ type: 'call', name: name.text, args: args, position: name.position }, height + 1];
  };

  // position(..): the number of the repeat instance the expression is evaluated in.
  Parser.prototype.positionCall = function (name) {
    var tok = this.advance();
    if (tok.kind !== 'parent') {
      throw fail("position() takes '..' as its only argument", tok.position);
    }
    this.expectClose();
    return [{ type: 'call', name: name.text, args: [], position: name.position }, 1];
  };

  // instance('table')/root/item ['[' filter ']']* ['/' column]; without a column only inside count().
  Parser.prototype.lookup = function (name, rows) {
    this.advance(); // the '('
    var table = this.advance();
    if (table.kind !== 'string') {
      throw fail('instance() takes the name of a choice list or file in quotes', table.position);
    }
    this.expectClose();
    var shape = "instance('" + table.text + "') is read as instance('" + table.text + "')/root/item[filter]/column";
    for (var n = 0; n < ROWS.length; n++) {
      var slash = this.advance();
      var part = this.advance();
      if (!isOperator(slash, '/') || part.kind !== 'name' || part.text !== ROWS[n]) {
        throw fail(shape, name.position);
      }
    }
    var filters = [];
    var height = 1;
    while (isOperator(this.peek(), '[')) {
      var bracket = this.advance();
      this.enter(bracket);
      this.filters += 1;
      var condition = this.expression();
      this.filters -= 1;
      this.nesting -= 1;
      var close = this.advance();
      if (!isOperator(close, ']')) {
        throw fail("expected ']' but found " + describe(close), close.position);
      }
      filters.push(condition[0]);
      height = Math.max(height, condition[1] + 1);
    }
    var column = '';
    if (isOperator(this.peek(), '/')) {
      this.advance();
      var tok = this.advance();
      if (tok.kind !== 'name' || isOperator(this.peek(), '(')) {
        throw fail(shape, name.position);
      }
      column = tok.text;
    } else if (!rows) {
      throw fail("instance('" + table.text + "')/root/item needs a /column after it " +
        '(only count() reads the rows themselves)', name.position);
    }
    var file = table.text.slice(-4) === '.csv' ? table.text.slice(0, -4) : table.text;
    return [{ type: 'lookup', table: file, filters: filters, column: column, position: name.position }, height];
  };

  // current(): the question's own answer; current()/../name: the answer to name, as ${name}.
  Parser.prototype.currentCall = function (name) {
    this.advance(); // the '('
    this.expectClose();
    if (!isOperator(this.peek(), '/')) {
      return [{ type: 'current', position: name.position }, 1];
    }
    var steps = [this.advance(), this.advance(), this.advance()];
    var question = steps[2].kind !== 'end' ? this.advance() : steps[2];
    if (!isOperator(steps[0], '/') || steps[1].kind !== 'parent' || !isOperator(steps[2], '/') ||
        question.kind !== 'name') {
      throw fail('current() is read as current() or current()/../name', name.position);
    }
    return [{ type: 'reference', name: question.text, position: question.position }, 1];
  };

  Parser.prototype.expectClose = function () {
    var tok = this.advance();
    if (!isOperator(tok, ')')) {
      throw fail("expected ')' but found " + describe(tok), tok.position);
    }
  };

  // The question jr:choice-name() names in its second argument, written '${question}'.
  function namedQuestion(argument, name) {
    var quoted = argument.type === 'literal' && typeof argument.value === 'string';
    var match = quoted ? QUOTED_REFERENCE.exec(argument.value) : null;
    if (match === null) {
      throw fail('argument 2 of ' + name.text + "() must be a question written '${name}'", name.position);
    }
    var nameChars = Array.from(match[1]);
    var valid = nameChars.length > 0 && isReferenceStart(nameChars[0]);
    for (var j = 1; valid && j < nameChars.length; j++) {
      valid = isReferenceChar(nameChars[j]);
    }
    if (!valid) {
      throw fail("invalid reference '${" + match[1] + "}'", name.position);
    }
    return { type: 'reference', name: match[1], position: name.position };
  }

  function walkReferences(node, found) {
    if (node.type === 'reference') {
      if (found.indexOf(node.name) < 0) {
        found.push(node.name);
      }
    } else if (node.type === 'negate') {
      walkReferences(node.operand, found);
    } else if (node.type === 'binary') {
      walkReferences(node.left, found);
      walkReferences(node.right, found);
    } else if (node.type === 'call') {
      for (var i = 0; i < node.args.length; i++) {
        walkReferences(node.args[i], found);
      }
    } else if (node.type === 'lookup') {
      for (var f = 0; f < node.filters.length; f++) {
        walkReferences(node.filters[f], found);
      }
    }
  }

  var cache = Object.create(null);
  var cacheSize = 0;

  function compile(expression) {
    if (typeof expression !== 'string') {
      throw new ExpressionError('expression must be a string');
    }
    if (cache[expression] !== undefined) {
      return cache[expression];
    }
    var tokens = [];
    try {
      tokenize(expression, tokens);
    } catch (error) {
      // instance('x')/root/item[...] stops at its '/': the function is the fault worth naming
      for (var n = 0; n < tokens.length; n++) {
        var after = tokens[n + 1];
        if (tokens[n].kind === 'name' && after && isOperator(after, '(') && !hasOwn(FUNCTIONS, tokens[n].text)) {
          throw unknownFunction(tokens[n]);
        }
      }
      throw error;
    }
    if (tokens[0].kind === 'end') {
      throw new ExpressionError('empty expression');
    }
    var parser = new Parser(tokens);
    var node = parser.expression()[0];
    var tok = parser.peek();
    if (tok.kind !== 'end') {
      throw fail('unexpected ' + describe(tok), tok.position);
    }
    var found = [];
    walkReferences(node, found);
    if (cacheSize >= 1024) {
      cache = Object.create(null);
      cacheSize = 0;
    }
    cache[expression] = { node: node, references: found };
    cacheSize += 1;
    return cache[expression];
  }

  function references(expression) {
    return compile(expression).references.slice();
  }

  // --- conversions ---------------------------------------------------------------------------

  function trimWhitespace(text) {
    return text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
  }

  function numeric(text) {
    return NUMBER.test(text) ? Number(trimWhitespace(text)) : null;
  }

  function toNumber(value) {
    if (typeof value === 'boolean') {
      return value ? 1 : 0;
    }
    if (typeof value === 'number') {
      return value;
    }
    var number = numeric(value);
    if (number === null) {
      number = dateDays(value);
    }
    return number === null ? NaN : number;
  }

  function zeros(count) {
    return new Array(count + 1).join('0');
  }

  function formatNumber(number) {
    if (number !== number) {
      return 'NaN';
    }
    if (number === Infinity) {
      return 'Infinity';
    }
    if (number === -Infinity) {
      return '-Infinity';
    }
    if (number === 0) {
      return '0';
    }
    var text = String(number);
    var match = /^(-?)([0-9]+)(?:\.([0-9]+))?e([+-][0-9]+)$/.exec(text);
    if (!match) {
      return text;
    }
    var digits = match[2] + (match[3] || '');
    var point = match[2].length + parseInt(match[4], 10);
    if (point <= 0) {
      return match[1] + '0.' + zeros(-point) + digits;
    }
    if (point >= digits.length) {
      return match[1] + digits + zeros(point - digits.length);
    }
    return match[1] + digits.slice(0, point) + '.' + digits.slice(point);
  }

  function toString(value) {
    if (typeof value === 'boolean') {
      return value ? 'true' : 'false';
    }
    if (typeof value === 'number') {
      return formatNumber(value);
    }
    return value;
  }

  function toBoolean(value) {
    if (typeof value === 'boolean') {
      return value;
    }
    if (typeof value === 'number') {
      return !(value === 0 || value !== value);
    }
    return value !== '';
  }

  // Read an answer handed in by the caller: null/undefined is unanswered, arrays are choices.
  function fromCaller(answer) {
    if (answer === null || answer === undefined) {
      return '';
    }
    if (typeof answer === 'boolean' || typeof answer === 'number' || typeof answer === 'string') {
      return answer;
    }
    if (Array.isArray(answer)) {
      return answer.map(function (item) { return toString(fromCaller(item)); }).join(' ');
    }
    return String(answer);
  }

  function truthy(result) {
    return toBoolean(fromCaller(result));
  }

  function choices(value) {
    return toString(value).split(SPLIT).filter(function (name) { return name !== ''; });
  }

  // Compare strings by code point, as Python does (not by UTF-16 unit).
  function codePointOrder(left, right) {
    var a = Array.from(left);
    var b = Array.from(right);
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a[i].codePointAt(0);
      var y = b[i].codePointAt(0);
      if (x !== y) {
        return x < y ? -1 : 1;
      }
    }
    return a.length === b.length ? 0 : (a.length < b.length ? -1 : 1);
  }

  function order(operator, left, right) {
    if (operator === '<') {
      return left < right;
    }
    if (operator === '<=') {
      return left <= right;
    }
    if (operator === '>') {
      return left > right;
    }
    return left >= right;
  }

  function compare(operator, left, right) {
    var equal;
    if (operator === '=' || operator === '!=') {
      if (typeof left === 'boolean' || typeof right === 'boolean') {
        equal = toBoolean(left) === toBoolean(right);
      } else if (typeof left === 'number' || typeof right === 'number') {
        equal = toNumber(left) === toNumber(right);
      } else {
        var a = numeric(left);
        var b = numeric(right);
        equal = a !== null && b !== null ? a === b : left === right;
      }
      return operator === '=' ? equal : !equal;
    }
    return order(operator, toNumber(left), toNumber(right)); // XPath 1.0: NaN compares false
  }

  function divide(left, right) {
    return left / right; // IEEE 754 already gives XPath's Infinity, -Infinity and NaN
  }

  function modulo(left, right) {
    return left % right; // truncating remainder with the dividend's sign, as XPath mod
  }

  function truncate(number) {
    return Math.trunc(number);
  }

  // --- dates: days since 1970-01-01, a time as a fraction of a day (dates.py) ------------------
  // A date-time counts in UTC days by its own offset (none: UTC); date() and format-date() show the
  // clock it was written in.

  var DATE_ONLY = /^[ \t\n\r]*([0-9]{4})-([0-9]{2})-([0-9]{2})[ \t\n\r]*$/;
  var DATE_TIME = new RegExp('^[ \\t\\n\\r]*([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})' +
    '(?::([0-9]{2})(\\.[0-9]+)?)?(Z|([+-])([0-9]{2}):([0-9]{2}))?[ \\t\\n\\r]*$');
  var MS_PER_DAY = 86400000;
  var FIRST_DAY = -719162; // 0001-01-01
  var LAST_DAY = 2932896; // 9999-12-31
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

  function calendarDay(yearText, monthText, dayText) {
    var year = parseInt(yearText, 10);
    var month = parseInt(monthText, 10);
    var day = parseInt(dayText, 10);
    if (year < 1 || month < 1 || month > 12 || day < 1) {
      return null;
    }
    var time = new Date(0);
    time.setUTCFullYear(year, month - 1, day);
    if (time.getUTCMonth() !== month - 1 || time.getUTCDate() !== day) {
      return null;
    }
    return Math.round(time.getTime() / MS_PER_DAY);
  }

  // [moment by the written clock, offset from UTC in seconds] of a date or date-time, or null.
  function readDate(text) {
    var match = DATE_ONLY.exec(text);
    var day;
    if (match) {
      day = calendarDay(match[1], match[2], match[3]);
      return day === null ? null : [momentOfDay(day, 0, 0, 0, 0), 0];
    }
    match = DATE_TIME.exec(text);
    if (!match) {
      return null;
    }
    day = calendarDay(match[1], match[2], match[3]);
    var hour = parseInt(match[4], 10);
    var minute = parseInt(match[5], 10);
    var second = match[6] ? parseInt(match[6], 10) : 0;
    if (day === null || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    var offset = 0;
    if (match[9] !== undefined) {
      var zoneHours = parseInt(match[10], 10);
      var zoneMinutes = parseInt(match[11], 10);
      if (zoneHours > 23 || zoneMinutes > 59) {
        return null;
      }
      offset = (zoneHours * 3600 + zoneMinutes * 60) * (match[9] === '-' ? -1 : 1);
    }
    var millisecond = Math.min(999, Math.floor((match[7] ? parseFloat(match[7]) : 0) * 1000 + 0.5));
    return [momentOfDay(day, hour, minute, second, millisecond), offset];
  }

  function dateDays(text) {
    var read = readDate(text);
    if (read === null) {
      return null;
    }
    var m = read[0];
    var seconds = m.hour * 3600 + m.minute * 60 + m.second + m.millisecond / 1000 - read[1];
    return m.days + seconds / 86400;
  }

  function momentOfDay(days, hour, minute, second, millisecond) {
    var time = new Date(days * MS_PER_DAY);
    return {
      days: days,
      year: time.getUTCFullYear(),
      month: time.getUTCMonth() + 1,
      day: time.getUTCDate(),
      weekday: time.getUTCDay(),
      hour: hour,
      minute: minute,
      second: second,
      millisecond: millisecond
    };
  }

  function fromDays(days) {
    if (!Number.isFinite(days)) {
      return null;
    }
    var whole = Math.floor(days);
    if (whole < FIRST_DAY || whole > LAST_DAY) {
      return null;
    }
    var milliseconds = Math.floor((days - whole) * MS_PER_DAY + 0.5);
    if (milliseconds >= MS_PER_DAY) {
      return fromDays(whole + 1);
    }
    var seconds = Math.floor(milliseconds / 1000);
    return momentOfDay(whole, Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60,
      milliseconds % 1000);
  }

  // The moment a date, date-time or number of days stands for; null when none.
  function momentOf(value) {
    if (typeof value === 'boolean') {
      return null;
    }
    if (typeof value === 'string' && numeric(value) === null) {
      var read = readDate(value);
      return read === null ? null : read[0];
    }
    return fromDays(toNumber(value));
  }

  function dateString(moment) {
    return pad(moment.year, 4) + '-' + pad(moment.month, 2) + '-' + pad(moment.day, 2);
  }

  function formatMoment(moment, pattern, name, position) {
    var fields = {
      Y: pad(moment.year, 4),
      y: pad(moment.year % 100, 2),
      m: pad(moment.month, 2),
      n: String(moment.month),
      d: pad(moment.day, 2),
      e: String(moment.day),
      H: pad(moment.hour, 2),
      h: String(moment.hour),
      M: pad(moment.minute, 2),
      S: pad(moment.second, 2),
      '3': pad(moment.millisecond, 3),
      a: WEEKDAYS[moment.weekday],
      b: MONTHS[moment.month - 1],
      '%': '%'
    };
    var chars = Array.from(pattern);
    var out = [];
    var i = 0;
    while (i < chars.length) {
      if (chars[i] !== '%') {
        out.push(chars[i]);
        i += 1;
        continue;
      }
      var tok = i + 1 < chars.length ? chars[i + 1] : '';
      if (!hasOwn(fields, tok)) {
        throw fail("unknown format '%" + tok + "' in " + name + '()', position);
      }
      out.push(fields[tok]);
      i += 2;
    }
    return out.join('');
  }

  // --- ODK functions on numbers, text and dates (functions.py) -------------------------------

  function halfAway(number) {
    return number < 0 ? -Math.floor(-number + 0.5) : Math.floor(number + 0.5);
  }

  function roundNumber(number, digits) {
    if (!Number.isFinite(number) || !Number.isFinite(digits)) {
      return Number.isNaN(digits) ? NaN : number;
    }
    var places = Math.max(-400, Math.min(400, Math.trunc(digits)));
    if (places === 0) {
      return halfAway(number);
    }
    var scale = Number('1e' + Math.abs(places));
    return places > 0 ? halfAway(number * scale) / scale : scale * halfAway(number / scale);
  }

  // A substr() bound as slices read it: whole, NaN as 0, negative counted from the end (Enketo).
  function boundIndex(number, length) {
    if (Number.isNaN(number)) {
      return 0;
    }
    var whole = Math.trunc(number);
    return whole < 0 ? Math.max(0, length + whole) : Math.min(length, whole);
  }

  function newUuid() {
    var bytes = new Uint8Array(16);
    if (global.crypto && global.crypto.getRandomValues) {
      global.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' +
      hex.slice(20);
  }

  // XPath translate(): each character of source replaced by the one at its place in target, or dropped.
  function translate(text, source, target) {
    var from = Array.from(source);
    var to = Array.from(target);
    var table = new Map();
    for (var i = 0; i < from.length; i++) {
      if (!table.has(from[i])) {
        table.set(from[i], i < to.length ? to[i] : '');
      }
    }
    return Array.from(text, function (char) { return table.has(char) ? table.get(char) : char; }).join('');
  }

  // ends-with(), substring-before(), substring-after(), normalize-space() and translate() (XPath 1.0).
  function textFunction(name, argument, count, current) {
    var text = toString(count ? argument(0) : current);
    if (name === 'normalize-space') {
      return choices(text).join(' '); // XML's whitespace only: a no-break space stays
    }
    var other = toString(argument(1));
    if (name === 'ends-with') {
      return text.length >= other.length && text.slice(text.length - other.length) === other;
    }
    if (name === 'translate') {
      return translate(text, other, toString(argument(2)));
    }
    var found = text.indexOf(other);
    if (found < 0) {
      return '';
    }
    return name === 'substring-before' ? text.slice(0, found) : text.slice(found + other.length);
  }

  function callExtension(node, argument, current) {
    var count = node.args.length;
    var i;
    var numbers;
    switch (node.name) {
      case 'once': {
        if (toString(current) !== '') {
          return current;
        }
        var kept = argument(0);
        return typeof kept === 'number' && !Number.isFinite(kept) ? '' : kept; // as Enketo
      }
      case 'round':
        return roundNumber(toNumber(argument(0)), count > 1 ? toNumber(argument(1)) : 0);
      case 'substr': {
        var text = Array.from(toString(argument(0)));
        var first = boundIndex(toNumber(argument(1)), text.length);
        var last = count > 2 ? boundIndex(toNumber(argument(2)), text.length) : text.length;
        return first < last ? text.slice(first, last).join('') : '';
      }
      case 'join': {
        var separator = toString(argument(0));
        var parts = [];
        for (i = 1; i < count; i++) {
          parts.push(toString(argument(i)));
        }
        return parts.join(separator);
      }
      case 'uuid':
        return newUuid();
      case 'abs':
        return Math.abs(toNumber(argument(0)));
      case 'floor':
        return Math.floor(toNumber(argument(0)));
      case 'ceiling':
        return Math.ceil(toNumber(argument(0)));
      case 'pow':
        return Math.pow(toNumber(argument(0)), toNumber(argument(1)));
      case 'min':
      case 'max':
        numbers = [];
        for (i = 0; i < count; i++) {
          numbers.push(toNumber(argument(i)));
        }
        return node.name === 'min' ? Math.min.apply(null, numbers) : Math.max.apply(null, numbers);
      case 'ends-with':
      case 'substring-before':
      case 'substring-after':
      case 'normalize-space':
      case 'translate':
        return textFunction(node.name, argument, count, current);
      case 'sqrt':
        return Math.sqrt(toNumber(argument(0)));
      case 'boolean':
        return toBoolean(argument(0));
      case 'boolean-from-string': {
        var flag = toString(argument(0));
        return flag === 'true' || flag === '1';
      }
      case 'selected-at': {
        var names = choices(argument(0));
        var index = Math.trunc(toNumber(argument(1))); // toward zero, as JavaRosa and Enketo read it
        return Number.isFinite(index) && index >= 0 && index < names.length ? names[index] : '';
      }
      case 'date': {
        var day = momentOf(argument(0));
        return day === null ? '' : dateString(day);
      }
      case 'decimal-date-time':
        return toNumber(argument(0));
      case 'format-date':
      case 'format-date-time': {
        var value = argument(0);
        var pattern = toString(argument(1));
        formatMoment(fromDays(0), pattern, node.name, node.position);
        var moment = momentOf(value);
        return moment === null ? '' : formatMoment(moment, pattern, node.name, node.position);
      }
      default:
        throw fail("unknown function '" + node.name + "'", node.position);
    }
  }

  // regex() patterns are read by the same rules as in expressions.py and rewritten for each
  // engine (Python: re.ASCII; JavaScript: the 'u' flag) so that both match the same strings.
  // Constructs on which the engines differ are refused: named groups, lookbehind, inline flags,
  // backreferences, possessive quantifiers, letter escapes other than \d \D \w \W \s \S \b \B
  // \n \r \t \f \v \xHH \uHHHH, and empty '[]' or '[^]'.

  var CONTROL_ESCAPES = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };
  var HEX_DIGITS = '0123456789abcdefABCDEF';
  var BRACES = /^\{([0-9]+)(?:(,)([0-9]*))?\}/;
  var MAX_REPEAT = 1000;
  var SYNTAX = '^$\\.*+?()[]{}|/';

  function BadPattern() {}

  function readEscape(chars, i, inClass) {
    if (i + 1 >= chars.length) {
      throw new BadPattern();
    }
    var letter = chars[i + 1];
    if ('dDwWs'.indexOf(letter) >= 0 || (letter === 'S' && !inClass)) {
      return [['class', letter], i + 2];
    }
    if (letter === 'b' && inClass) {
      return [['char', '\b'], i + 2];
    }
    if ((letter === 'b' || letter === 'B') && !inClass) {
      return [['assert', letter], i + 2];
    }
    if (hasOwn(CONTROL_ESCAPES, letter)) {
      return [['char', CONTROL_ESCAPES[letter]], i + 2];
    }
    var width = letter === 'x' ? 2 : (letter === 'u' ? 4 : 0);
    if (width) {
      var digits = chars.slice(i + 2, i + 2 + width);
      if (digits.length !== width || digits.some(function (d) { return HEX_DIGITS.indexOf(d) < 0; })) {
        throw new BadPattern();
      }
      var code = parseInt(digits.join(''), 16);
      if (code >= 0xd800 && code <= 0xdfff) {
        throw new BadPattern();
      }
      return [['char', String.fromCharCode(code)], i + 2 + width];
    }
    if (/^[A-Za-z0-9]$/.test(letter)) {
      throw new BadPattern();
    }
    return [['char', letter], i + 2];
  }

  function jsLiteral(char, inClass) {
    if (inClass) {
      return '\\]^-['.indexOf(char) >= 0 ? '\\' + char : char;
    }
    return SYNTAX.indexOf(char) >= 0 ? '\\' + char : char;
  }

  function readClass(chars, i) {
    i += 1;
    var negate = chars[i] === '^';
    if (negate) {
      i += 1;
    }
    if (chars[i] === ']') {
      throw new BadPattern();
    }
    var items = []; // [kind, what, is an unescaped '-']
    for (;;) {
      if (i >= chars.length) {
        throw new BadPattern();
      }
      var char = chars[i];
      if (char === ']') {
        i += 1;
        break;
      }
      if (char === '\\') {
        var read = readEscape(chars, i, true);
        items.push([read[0][0], read[0][1], false]);
        i = read[1];
      } else {
        items.push(['char', char, char === '-']);
        i += 1;
      }
    }
    var body = [];
    var k = 0;
    while (k < items.length) {
      var kind = items[k][0];
      var what = items[k][1];
      if (k + 2 < items.length && items[k + 1][2]) {
        var high = items[k + 2];
        if (kind !== 'char' || high[0] !== 'char' || codePointOrder(what, high[1]) > 0) {
          throw new BadPattern();
        }
        body.push(jsLiteral(what, true) + '-' + jsLiteral(high[1], true));
        k += 3;
        continue;
      }
      body.push(kind === 'class' ? '\\' + what : jsLiteral(what, true));
      k += 1;
    }
    return ['[' + (negate ? '^' : '') + body.join('') + ']', i];
  }

  function jsPattern(pattern) {
    var chars = Array.from(pattern);
    var out = [];
    var groups = []; // 'group' or 'lookahead' for each open bracket
    var previous = 'none'; // none (start, after '(' or '|'), atom, assertion or quantifier
    var i = 0;
    while (i < chars.length) {
      var char = chars[i];
      var braces = char === '{' ? BRACES.exec(chars.slice(i).join('')) : null;
      if ('*+?'.indexOf(char) >= 0 || braces) {
        if (previous !== 'atom') {
          throw new BadPattern();
        }
        if (braces) {
          var low = parseInt(braces[1], 10);
          var high = !braces[2] ? low : (braces[3] ? parseInt(braces[3], 10) : low);
          if (low > MAX_REPEAT || high > MAX_REPEAT || high < low) {
            throw new BadPattern();
          }
          out.push(braces[0]);
          i += braces[0].length;
        } else {
          out.push(char);
          i += 1;
        }
        if (chars[i] === '?') {
          out.push('?');
          i += 1;
        }
        previous = 'quantifier';
      } else if (char === '\\') {
        var read = readEscape(chars, i, false);
        var kind = read[0][0];
        var what = read[0][1];
        i = read[1];
        out.push(kind === 'char' ? jsLiteral(what, false) : '\\' + what);
        previous = kind === 'assert' ? 'assertion' : 'atom';
      } else if (char === '[') {
        var cls = readClass(chars, i);
        out.push(cls[0]);
        i = cls[1];
        previous = 'atom';
      } else if (char === '(') {
        if (chars[i + 1] === '?') {
          var next = chars[i + 2];
          if (next !== ':' && next !== '=' && next !== '!') {
            throw new BadPattern();
          }
          groups.push(next === ':' ? 'group' : 'lookahead');
          out.push('(?' + next);
          i += 3;
        } else {
          groups.push('group');
          out.push('(');
          i += 1;
        }
        previous = 'none';
      } else if (char === ')') {
        if (!groups.length) {
          throw new BadPattern();
        }
        previous = groups.pop() === 'group' ? 'atom' : 'assertion';
        out.push(')');
        i += 1;
      } else if (char === '|') {
        out.push('|');
        previous = 'none';
        i += 1;
      } else if (char === '^' || char === '$') {
        out.push(char);
        previous = 'assertion';
        i += 1;
      } else if (char === '.') {
        out.push('.');
        previous = 'atom';
        i += 1;
      } else {
        out.push(jsLiteral(char, false));
        previous = 'atom';
        i += 1;
      }
    }
    if (groups.length) {
      throw new BadPattern();
    }
    return out.join('');
  }

  var regexCache = Object.create(null);

  function compileRegex(pattern, position) {
    if (regexCache[pattern] !== undefined) {
      return regexCache[pattern];
    }
    var compiled;
    try {
      compiled = new RegExp(jsPattern(pattern), 'u');
    } catch (error) {
      throw fail("invalid regular expression '" + pattern + "' in regex()", position);
    }
    regexCache[pattern] = compiled;
    return compiled;
  }

  // --- evaluation ----------------------------------------------------------------------------

  function arithmetic(operator, left, right) {
    if (operator === '+') {
      return left + right;
    }
    if (operator === '-') {
      return left - right;
    }
    if (operator === '*') {
      return left * right;
    }
    if (operator === 'div') {
      return divide(left, right);
    }
    return modulo(left, right);
  }

  // indexed-repeat(${question}, ${repeat}, n): the answer in the repeat's n-th instance, '' if none.
  function indexedRepeat(node, context) {
    var number = toNumber(evaluateNode(node.args[2], context));
    var instances = hasOwn(context.repeats, node.args[1].name) ? context.repeats[node.args[1].name] : [];
    if (Number.isNaN(number) || number < 1 || number > instances.length || number !== Math.trunc(number)) {
      return '';
    }
    var instance = instances[number - 1];
    return hasOwn(instance, node.args[0].name) ? fromCaller(instance[node.args[0].name]) : '';
  }

  // The instances of a repeat named, or of the repeat that asks the question named; none if neither is given.
  function instancesOf(name, context) {
    if (hasOwn(context.repeats, name)) {
      return context.repeats[name];
    }
    var names = Object.keys(context.repeats);
    for (var i = 0; i < names.length; i++) {
      var instances = context.repeats[names[i]];
      if (instances.some(function (instance) { return hasOwn(instance, name); })) {
        return instances;
      }
    }
    return [];
  }

  // The rows of the choice list or attached file named (with or without .csv).
  function rowsOf(name, context, position) {
    var file = name.slice(-4) === '.csv' ? name.slice(0, -4) : name;
    if (!hasOwn(context.tables, file)) {
      throw fail("no choice list or file sent with the form is named '" + name + "'", position);
    }
    return context.tables[file];
  }

  // The rows of a lookup's table for which every [filter] holds; a number keeps the row at that position.
  function matching(node, context) {
    var rows = rowsOf(node.table, context, node.position).slice();
    node.filters.forEach(function (condition) {
      rows = rows.filter(function (row, index) {
        var value = evaluateNode(condition, Object.assign({}, context, { row: row }));
        return typeof value === 'number' ? value === index + 1 : toBoolean(value);
      });
    });
    return rows;
  }

  function cell(row, column) {
    return hasOwn(row, column) ? String(row[column]) : '';
  }

  // pulldata('file', 'column', 'key-column', key): the column of the file's first row whose key column is key.
  function pulldata(node, context) {
    var values = node.args.map(function (arg) { return toString(evaluateNode(arg, context)); });
    var rows = rowsOf(values[0], context, node.position);
    for (var i = 0; i < rows.length; i++) {
      if (hasOwn(rows[i], values[2]) && String(rows[i][values[2]]) === values[3]) {
        return cell(rows[i], values[1]);
      }
    }
    return ''; // a key not in the file, as ODK gives it
  }

  // sum(${question}): its answers in every instance added up (NaN if one is not a number); count(): the instances.
  function aggregate(node, context) {
    if (node.args[0].type === 'lookup') { // count(instance('list')/root/item[filter])
      return matching(node.args[0], context).length;
    }
    var name = node.args[0].name;
    var instances = instancesOf(name, context);
    if (node.name === 'count') {
      return instances.length;
    }
    if (node.name === 'count-non-empty') {
      var repeat = hasOwn(context.repeats, name);
      return instances.filter(function (instance) {
        if (repeat) { // an instance is empty when none of its answers is given
          return Object.keys(instance).some(function (key) { return toString(fromCaller(instance[key])) !== ''; });
        }
        return hasOwn(instance, name) && toString(fromCaller(instance[name])) !== '';
      }).length;
    }
    var total = 0;
    for (var i = 0; i < instances.length; i++) {
      total += toNumber(hasOwn(instances[i], name) ? fromCaller(instances[i][name]) : '');
    }
    return total;
  }

  function call(node, context) {
    var args = node.args;
    function argument(index) {
      return evaluateNode(args[index], context);
    }
    switch (node.name) {
      case 'if':
        return toBoolean(argument(0)) ? argument(1) : argument(2);
      case 'coalesce': {
        var first = argument(0);
        return toString(first) !== '' ? first : argument(1);
      }
      case 'today':
        return context.today;
      case 'now':
        return nowString(context.now);
      case 'true':
        return true;
      case 'false':
        return false;
      case 'concat': {
        var parts = [];
        for (var i = 0; i < args.length; i++) {
          parts.push(toString(argument(i)));
        }
        return parts.join('');
      }
      case 'not':
        return !toBoolean(argument(0));
      case 'selected': {
        var answer = argument(0);
        var choice = trimWhitespace(toString(argument(1)));
        return choices(answer).indexOf(choice) >= 0;
      }
      case 'count-selected':
        return choices(argument(0)).length;
      case 'string-length':
        return Array.from(toString(argument(0))).length;
      case 'number':
        return toNumber(argument(0));
      case 'int':
        return truncate(toNumber(argument(0)));
      case 'string':
        return toString(argument(0));
      case 'contains':
        return toString(argument(0)).indexOf(toString(argument(1))) >= 0;
      case 'starts-with': {
        var text = toString(argument(0));
        var prefix = toString(argument(1));
        return text.slice(0, prefix.length) === prefix;
      }
      case 'position':
        if (context.position === null) {
          throw fail('position(..) is only meaningful inside a repeat', node.position);
        }
        return context.position;
      case 'indexed-repeat':
        return indexedRepeat(node, context);
      case 'sum':
      case 'count':
      case 'count-non-empty':
        return aggregate(node, context);
      case 'jr:choice-name': {
        var labels = hasOwn(context.choices, args[1].name) ? context.choices[args[1].name] : {};
        var value = trimWhitespace(toString(argument(0)));
        return hasOwn(labels, value) ? String(labels[value]) : '';
      }
      case 'pulldata':
        return pulldata(node, context);
      case 'regex': {
        var subject = toString(argument(0));
        return compileRegex(toString(argument(1)), node.position).test(subject);
      }
      default:
        return callExtension(node, argument, context.current);
    }
  }

  function evaluateNode(node, context) {
    switch (node.type) {
      case 'literal':
        return node.value;
      case 'reference':
        return fromCaller(context.values[node.name]);
      case 'current':
        return context.current;
      case 'negate':
        return -toNumber(evaluateNode(node.operand, context));
      case 'column':
        return context.row ? cell(context.row, node.name) : '';
      case 'lookup': {
        var rows = matching(node, context);
        return rows.length ? cell(rows[0], node.column) : '';
      }
      case 'call':
        return call(node, context);
      default:
        break;
    }
    var operator = node.operator;
    if (operator === 'or') {
      return toBoolean(evaluateNode(node.left, context)) || toBoolean(evaluateNode(node.right, context));
    }
    if (operator === 'and') {
      return toBoolean(evaluateNode(node.left, context)) && toBoolean(evaluateNode(node.right, context));
    }
    var left = evaluateNode(node.left, context);
    var right = evaluateNode(node.right, context);
    if (operator === '=' || operator === '!=' || operator === '<' || operator === '<=' ||
        operator === '>' || operator === '>=') {
      return compare(operator, left, right);
    }
    return arithmetic(operator, toNumber(left), toNumber(right));
  }

  function pad(number, width) {
    var text = String(number);
    return text.length >= width ? text : zeros(width - text.length) + text;
  }

  function localDate(now) {
    return pad(now.getFullYear(), 4) + '-' + pad(now.getMonth() + 1, 2) + '-' + pad(now.getDate(), 2);
  }

  // now(): the local date-time with milliseconds and the offset, as ODK stores it.
  function nowString(now) {
    var offset = -now.getTimezoneOffset();
    var sign = offset >= 0 ? '+' : '-';
    offset = Math.abs(offset);
    return localDate(now) + 'T' + pad(now.getHours(), 2) + ':' + pad(now.getMinutes(), 2) + ':' +
      pad(now.getSeconds(), 2) + '.' + pad(now.getMilliseconds(), 3) + sign + pad(Math.floor(offset / 60), 2) +
      ':' + pad(offset % 60, 2);
  }

  function evaluate(expression, values, options) {
    var compiled = compile(expression);
    var answers = values || {};
    var settings = options || {};
    for (var i = 0; i < compiled.references.length; i++) {
      var name = compiled.references[i];
      if (!hasOwn(answers, name)) {
        throw new ExpressionError("unknown question '" + name + "'");
      }
    }
    var now = settings.now instanceof Date ? settings.now : new Date();
    var context = {
      values: answers,
      current: fromCaller(settings.current),
      today: settings.today || localDate(now),
      now: now,
      position: typeof settings.position === 'number' ? settings.position : null,
      repeats: settings.repeats || {},
      choices: settings.choices || {},
      tables: settings.tables || {}, // each choice list's and attached CSV's rows, as pulldata() and instance() read them
      row: null // the row a lookup's [filter] is trying
    };
    return evaluateNode(compiled.node, context);
  }

  global.VocesExpressions = {
    evaluate: evaluate,
    truthy: truthy,
    references: references,
    ExpressionError: ExpressionError
  };
})(window);
