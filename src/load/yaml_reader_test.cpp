#include "load/yaml_reader.hpp"

#include <doctest/doctest.h>
#include <malloc.h>
#include <string>
#include <vector>

using namespace nines;

TEST_CASE("yaml_reader: every node keeps its line and column") {
  DiagBag diags;
  Node root = parse_yaml_string("slo:\n  target: 99.9\n  alerts:\n    - name: fast\n", diags);
  CHECK_FALSE(diags.has_errors());
  REQUIRE(root.is_map());
  const Entry* slo = root.entry("slo");
  REQUIRE(slo);
  CHECK(slo->key_loc.line == 1);
  CHECK(slo->key_loc.col == 1);
  const Node* target = slo->value.get("target");
  REQUIRE(target);
  CHECK(target->loc.line == 2);
  CHECK(target->loc.col == 11);
  CHECK(target->value == "99.9");
  CHECK_FALSE(target->quoted);
  const Node* name = slo->value.get("alerts")->items.at(0).get("name");
  CHECK(name->loc.line == 4);
  CHECK(name->loc.col == 13);
}

TEST_CASE("yaml_reader: quoted scalars are marked") {
  DiagBag diags;
  Node root = parse_yaml_string("a: \"on\"\nb: on\nc: |\n  text\n", diags);
  CHECK(root.get("a")->quoted);
  CHECK_FALSE(root.get("b")->quoted);
  CHECK(root.get("c")->quoted);
}

TEST_CASE("yaml_reader: the core schema's tags make a value their type") {
  DiagBag diags;
  Node root = parse_yaml_string("a: !!float 99.9\nb: !!int 40\nc: !!null null\nd: !!str yes\n"
                                "e: !!bool true\nf: !!float 1\ng: !Ref other\nh: !!str 12\n",
                                diags);
  CHECK_FALSE(diags.has_errors());
  for (const char* plain : {"a", "b", "e", "f"}) {
    REQUIRE(root.get(plain));
    CHECK_FALSE_MESSAGE(root.get(plain)->quoted, plain);
  }
  CHECK(root.get("a")->value == "99.9");
  CHECK(root.get("c")->is_null());
  for (const char* text : {"d", "g", "h"})
    CHECK_MESSAGE(root.get(text)->quoted, text); // strings
  // A tag that does not fit its text: an error at the value, and the document is not read.
  for (const char* text : {"x: 1\ny: !!int 99.9\n", "x: 1\ny: !!float ten\n",
                           "x: 1\ny: !!bool yes\n", "x: 1\ny: !!null nil\n"}) {
    DiagBag bad;
    int docs = 0;
    read_yaml(text, "f.yaml", 0, YamlLimits{}, bad, [&](Node&&, int) { ++docs; });
    CHECK(docs == 0);
    const auto d = bad.sorted();
    REQUIRE_MESSAGE(d.size() == 1, text);
    CHECK(d[0].rule == "yaml-syntax");
    CHECK(d[0].loc.line == 2);
    CHECK(d[0].loc.col == 4);
    CHECK(d[0].message.find("is tagged !!") != std::string::npos);
  }
}

TEST_CASE("yaml_reader: a quoted string never closed is an error at its opening quote") {
  // yaml-cpp itself ends such a string at the end of the text and reports nothing.
  for (const char* text : {"a: 1\nb: \"open\n", "a: 1\nb: 'open\n", "a: 1\nb: 'it''s\n",
                           "a: 1\nb: \"ends in \\\"\n"}) {
    DiagBag diags;
    parse_yaml_string(text, diags);
    auto d = diags.sorted();
    REQUIRE_MESSAGE(d.size() == 1, text);
    CHECK(d[0].rule == "yaml-syntax");
    CHECK(d[0].loc.line == 2);
    CHECK(d[0].loc.col == 4);
    CHECK(d[0].message.find("never closed") != std::string::npos);
  }
  // The document is dropped like one with any other syntax error: the keys the string swallowed
  // would otherwise be reported missing by its schema.
  {
    DiagBag diags;
    int docs = 0;
    read_yaml("service:\n  name: api\n  description: \"oops\n  tier: critical\n", "f.yaml", 0,
              YamlLimits{}, diags, [&](Node&&, int) { ++docs; });
    CHECK(docs == 0);
    REQUIRE(diags.sorted().size() == 1);
    CHECK(diags.sorted()[0].loc.line == 3);
    CHECK(diags.sorted()[0].loc.col == 16);
  }
  // Closed strings, escapes and doubled single quotes, in block and flow style, are fine; so is
  // a BOM before them (marks count from after it).
  for (const char* text : {"a: \"x \\\" y ' z\"\nb: 'it''s'\nc: [\"p\", 'q', {k: \"v\"}]\n",
                           "\xEF\xBB\xBF"
                           "a: \"x\"\n",
                           "a: |\n  \"open\n"}) {
    DiagBag diags;
    parse_yaml_string(text, diags);
    CHECK_MESSAGE(diags.sorted().empty(), text);
  }
}

TEST_CASE("yaml_reader: duplicate keys are errors at the second key") {
  DiagBag diags;
  parse_yaml_string("service:\n  name: a\n  name: b\n", diags);
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "yaml-duplicate-key");
  CHECK(d[0].loc.line == 3);
  CHECK(d[0].loc.col == 3);
  CHECK(d[0].message == "duplicate key 'name' (first defined at line 2)");
}

TEST_CASE("yaml_reader: duplicate and merged keys in a large mapping") {
  // Past a few keys the reader looks keys up in an index instead of scanning: same findings.
  std::string text = "base: &b\n  k5: merged\n  m1: merged\nbig:\n  <<: *b\n";
  for (int i = 0; i < 40; ++i)
    text += "  k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  text += "  k30: again\n  m1: own\n  m1: twice\n";
  DiagBag diags;
  Node root = parse_yaml_string(text, diags);
  auto d = diags.sorted();
  REQUIRE(d.size() == 2);
  CHECK(d[0].message == "duplicate key 'k30' (first defined at line 36)");
  CHECK(d[0].loc.line == 46);
  CHECK(d[1].message == "duplicate key 'm1' (first defined at line 47)");
  const Node* big = root.get("big");
  REQUIRE(big);
  CHECK(big->entries.size() == 41);
  CHECK(big->get("k5")->value == "5"); // written here: wins over the merged one
  CHECK(big->get("k30")->value == "30");
  CHECK(big->get("m1")->value == "own");
  CHECK(big->entry("m1")->key_loc.line == 47);
}

TEST_CASE("yaml_reader: tabs in indentation are errors at their column") {
  DiagBag diags;
  parse_yaml_string("service:\n\tname: a\n", diags);
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "yaml-tab");
  CHECK(d[0].loc.line == 2);
  CHECK(d[0].loc.col == 1);
}

TEST_CASE("yaml_reader: syntax errors are located") {
  DiagBag diags;
  parse_yaml_string("a: [1, 2\nb: 3\n", diags);
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "yaml-syntax");
  CHECK(d[0].loc.line >= 1);
}

TEST_CASE("yaml_reader: alias bombs hit the node cap instead of memory") {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  const char* prev = "a";
  std::string names[] = {"b", "c", "d", "e", "f", "g", "h", "i"};
  for (const auto& n : names) {
    bomb += n + ": &" + n + " [";
    for (int i = 0; i < 10; ++i)
      bomb += std::string(i ? ", " : "") + "*" + prev;
    bomb += "]\n";
    prev = n.c_str();
  }
  DiagBag diags;
  YamlLimits limits;
  limits.max_nodes = 100000;
  int docs = 0;
  read_yaml(bomb, "bomb.yaml", 0, limits, diags, [&](Node&&, int) { ++docs; });
  CHECK(docs == 0);
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "yaml-too-large");
}

namespace {

// `x-k: &a0 {k: &a1 {k: ... [a, a, ...] ...}}`: anchors nested `depth` deep around a list of
// `leaves` scalars, the shape that once made a copy of the list for every level.
std::string nested_anchors(int depth, int leaves) {
  std::string s = "x-k: ";
  for (int i = 0; i < depth; ++i)
    s += "&a" + std::to_string(i) + " {k: ";
  s += "[";
  for (int i = 0; i < leaves; ++i)
    s += i ? ",a" : "a";
  s += "]" + std::string(static_cast<std::size_t>(depth), '}') + "\nservice: {name: web}\n";
  return s;
}

} // namespace

TEST_CASE("yaml_reader: nested anchors without aliases cost their nodes, not a copy a level") {
  const std::string text = nested_anchors(100, 10000);
  DiagBag diags;
  // The tree holds ~10,200 nodes: a cap a little above that must not be reached.
  YamlLimits limits;
  limits.max_nodes = 12000;
  std::size_t before = mallinfo2().uordblks, during = before;
  int docs = 0;
  read_yaml(text, "anchors.yaml", 0, limits, diags, [&](Node&& n, int) {
    ++docs;
    during = mallinfo2().uordblks; // the reader's state is all still alive here
    CHECK(n.get("service"));
  });
  CHECK(docs == 1);
  CHECK(diags.all().empty());
  // A copy of the list for each of the 100 anchors held about a million nodes (~100 MB); the
  // tree alone is about 1 MB.
  CHECK(during - std::min(during, before) < 16u * 1024 * 1024);
}

TEST_CASE("yaml_reader: what an alias of a nested anchor makes counts against the cap") {
  std::string text = nested_anchors(50, 1000);
  for (int i = 0; i < 5; ++i)
    text += "y" + std::to_string(i) + ": *a0\n";
  YamlLimits limits;
  limits.max_nodes = 5000; // the tree is ~1,100 nodes; five copies of it are not
  DiagBag diags;
  int docs = 0;
  read_yaml(text, "anchors.yaml", 0, limits, diags, [&](Node&&, int) { ++docs; });
  CHECK(docs == 0);
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "yaml-too-large");
  CHECK(diags.all()[0].message.find("alias") != std::string::npos);
}

TEST_CASE("yaml_reader: aliases find nested, merged and dropped anchors where they are") {
  DiagBag diags;
  Node root = parse_yaml_string("a: &outer\n  b: &inner [1, &s two, {c: &deep {d: 4}}]\n"
                                "m:\n  <<: &src {e: &e5 [5]}\n"
                                "x: {k: 1}\nx: &dup {k: 2}\n"
                                "r1: *inner\nr2: *s\nr3: *deep\nr4: *src\nr5: *e5\n"
                                "r6: *dup\nr7: *outer\n",
                                diags);
  REQUIRE(root.is_map());
  CHECK(diags.all().size() == 1); // the duplicate key
  REQUIRE(root.get("r1"));
  CHECK(root.get("r1")->items.size() == 3);
  CHECK(root.get("r2")->value == "two");
  CHECK(root.get("r3")->get("d")->value == "4");
  CHECK(root.get("r4")->get("e")->items.at(0).value == "5");
  CHECK(root.get("r5")->items.at(0).value == "5");
  CHECK(root.get("r6")->get("k")->value == "2");
  CHECK(root.get("r7")->get("b")->items.at(2).get("c")->get("d")->value == "4");
  CHECK(root.get("m")->get("e")->items.at(0).value == "5");
  CHECK(root.get("x")->get("k")->value == "1");
  // An alias of a mapping still open is no copy of it (it would never end).
  DiagBag self;
  Node loop = parse_yaml_string("a: &a {b: *a}\n", self);
  CHECK(loop.get("a")->get("b")->is_null());
}

TEST_CASE("yaml_reader: aliases expand to copies") {
  DiagBag diags;
  Node root = parse_yaml_string("base: &b {x: 1}\nother: *b\n", diags);
  CHECK_FALSE(diags.has_errors());
  REQUIRE(root.get("other")->is_map());
  CHECK(root.get("other")->get("x")->value == "1");
}

TEST_CASE("yaml_reader: multi-document files stream each document with offsets") {
  DiagBag diags;
  std::vector<int> lines;
  read_yaml("a: 1\n---\nb: 2\n---\nc: 3\n", "f.yaml", 10, YamlLimits{}, diags,
            [&](Node&& n, int) { lines.push_back(n.loc.line); });
  CHECK(lines == std::vector<int>{11, 13, 15});
}

TEST_CASE("yaml_reader: deep nesting is refused, not a crash") {
  std::string deep(100000, '[');
  DiagBag diags;
  parse_yaml_string(deep, diags);
  CHECK(diags.has_errors());
}

TEST_CASE("yaml_reader: deep flow nesting is located at the first node past the limit") {
  // yaml-cpp's own mark for it is where its scanner stopped: the end of the line.
  const std::string text =
      "service:\n  name: a\n  x-d: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  DiagBag diags;
  parse_yaml_string(text, diags);
  REQUIRE(diags.all().size() == 1);
  const Diagnostic& d = diags.all()[0];
  CHECK(d.message.find("nested deeper") != std::string::npos);
  CHECK(d.loc.line == 3);
  // `  x-d: ` is 7 columns; the brackets start at 8 and the 500 levels end near 508.
  CHECK(d.loc.col > 490);
  CHECK(d.loc.col < 520);
}

TEST_CASE("yaml_reader: YAML 1.1 booleans are recognised") {
  CHECK(looks_like_yaml11_bool("on"));
  CHECK(looks_like_yaml11_bool("No"));
  CHECK(looks_like_yaml11_bool("YES"));
  CHECK_FALSE(looks_like_yaml11_bool("true"));
  CHECK_FALSE(looks_like_yaml11_bool("none"));
}

TEST_CASE("yaml_reader: a tab inside a literal block scalar is content, not indentation") {
  DiagBag diags;
  Node n =
      parse_yaml_string("runbook:\n  steps:\n    - run: |\n        build:\n        \tcc -o x x.c\n"
                        "        \n    - >-\n      a\tb\n  title: t\n",
                        diags);
  CHECK(diags.all().empty());
  REQUIRE(n.is_map());
  const Node* steps = n.get("runbook")->get("steps");
  REQUIRE(steps);
  CHECK(steps->items[0].get("run")->value == "build:\n\tcc -o x x.c\n");
  // After the block ends, a tab in indentation is an error again.
  DiagBag bad;
  parse_yaml_string("a: |\n  text\n\tb: 1\n", bad);
  REQUIRE(bad.all().size() == 1);
  CHECK(bad.all()[0].rule == "yaml-tab");
  CHECK(bad.all()[0].loc.line == 3);
}

TEST_CASE("yaml_reader: a NUL byte is named and located") {
  DiagBag diags;
  parse_yaml_string(std::string("a: 1\nb: \"x\0y\"\n", 14), diags);
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "file-encoding");
  CHECK(diags.all()[0].message.find("NUL byte") != std::string::npos);
  CHECK(diags.all()[0].loc.line == 2);
  CHECK(diags.all()[0].loc.col == 6);
}

TEST_CASE("yaml_reader: a huge file without aliases is not called an alias bomb") {
  std::string text;
  for (int i = 0; i < 3000; ++i)
    text += "k" + std::to_string(i) + ": v\n";
  YamlLimits limits;
  limits.max_nodes = 1000;
  DiagBag diags;
  read_yaml(text, "big.yaml", 0, limits, diags, [](Node&&, int) {});
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "yaml-too-large");
  CHECK(diags.all()[0].message.find("alias") == std::string::npos);
}

TEST_CASE("yaml_reader: merge keys are honoured, own keys win, positions are kept") {
  DiagBag diags;
  Node root = parse_yaml_string("base: &b\n  tier: critical\n  owner: ana\nother: &o\n  lang: go\n"
                                "svc:\n  <<: [*b, *o]\n  owner: ben\n",
                                diags);
  CHECK_FALSE(diags.has_errors());
  const Node* svc = root.get("svc");
  REQUIRE(svc);
  REQUIRE(svc->get("tier"));
  CHECK(svc->get("tier")->value == "critical");
  CHECK(svc->get("tier")->loc.line == 2); // where the anchored mapping says it
  CHECK(svc->get("owner")->value == "ben");
  CHECK(svc->get("owner")->loc.line == 8);
  CHECK(svc->get("lang")->value == "go");
  CHECK_FALSE(svc->get("<<"));
  DiagBag bad;
  parse_yaml_string("a:\n  <<: 3\n", bad);
  CHECK(bad.has_errors());
}

TEST_CASE("yaml_reader: columns count characters, not bytes") {
  DiagBag diags;
  // üü is 2 characters and 4 bytes; 日本 2 and 6; 🙂 1 and 4.
  Node root = parse_yaml_string("service: {name: s3, description: \"\xC3\xBC\xC3\xBC\", tier: x}\n"
                                "list: [\xE6\x97\xA5\xE6\x9C\xAC, \xF0\x9F\x99\x82, z]\n"
                                "plain: a\n"
                                "block: |\n  \xC3\xBC\xC3\xBC\nafter: {k: \xC3\xBC, k2: v}\n",
                                diags);
  CHECK_FALSE(diags.has_errors());
  const Node* service = root.get("service");
  REQUIRE(service);
  CHECK(service->get("tier")->loc.col == 46);
  CHECK(service->entry("tier")->key_loc.col == 40);
  const Node* list = root.get("list");
  CHECK(list->items.at(0).loc.col == 8);
  CHECK(list->items.at(1).loc.col == 12);
  CHECK(list->items.at(2).loc.col == 15);
  CHECK(root.get("plain")->loc.col == 8);
  CHECK(root.get("after")->entry("k2")->key_loc.col == 15);
  CHECK(root.get("after")->get("k2")->loc.col == 19); // bytes: 20
  CHECK(root.get("after")->get("k2")->loc.line == 6);
  // A byte order mark is not a character of the first line.
  Node bom = parse_yaml_string("\xEF\xBB\xBF"
                               "a: {x: \"\xC3\xBC\", y: z}\nb: 1\n",
                               diags);
  CHECK(bom.get("a")->entry("y")->key_loc.col == 13);
  CHECK(bom.get("a")->get("y")->loc.col == 16);
  CHECK(bom.entry("a")->key_loc.col == 1);
  CHECK(bom.get("b")->loc.col == 4);
  // Marks out of order (an alias after the anchor's line) still convert.
  Node alias = parse_yaml_string("a: &x {\xC3\xBC: 1}\nb: [\xC3\xBC, *x]\n", diags);
  CHECK(alias.get("b")->items.at(1).loc.col == 8);
  CHECK_FALSE(diags.has_errors());
}

TEST_CASE("yaml_reader: syntax errors and NUL bytes are located in characters") {
  DiagBag diags;
  parse_yaml_string("name: \"\xC3\xBC\xC3\xBC\" x\n", diags);
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "yaml-syntax");
  CHECK(diags.all()[0].loc.col == 12); // at the x; bytes: 14
  DiagBag nul;
  parse_yaml_string(std::string("a: \xC3\xBC\0\n", 8), nul);
  REQUIRE(nul.all().size() == 1);
  CHECK(nul.all()[0].rule == "file-encoding");
  CHECK(nul.all()[0].loc.col == 5);
}

TEST_CASE("yaml_reader: a mapping that had a key which is not a scalar is marked") {
  // A cookiecutter skeleton's unquoted `{{cookiecutter.name | jsonify}}`: a flow mapping whose
  // key is a flow mapping. Listed for the caller, not reported, and its mapping is marked.
  DiagBag diags;
  HeldFindings held;
  std::vector<Node> docs;
  read_yaml(
      "name: {{cookiecutter.name | jsonify}}\nplain: {}\n", "f.yaml", 0, {}, diags,
      [&](Node&& n, int) { docs.push_back(std::move(n)); }, &held);
  CHECK_FALSE(diags.has_errors());
  REQUIRE(docs.size() == 1);
  REQUIRE(held.complex_keys.size() == 1);
  CHECK(held.complex_keys[0].line == 1);
  const Node* name = docs[0].get("name");
  REQUIRE(name);
  CHECK(name->is_map());
  CHECK(name->complex_key);
  CHECK_FALSE(docs[0].complex_key);
  CHECK_FALSE(docs[0].get("plain")->complex_key); // an empty mapping as written
}

TEST_CASE("yaml_reader: duplicate keys and bad merge keys are held for the caller") {
  // An mkdocs.yml with `markdown_extensions:` twice is MkDocs' file: the loader reports what is
  // held only for a document of its own.
  const char* text = "a: 1\nnav: []\nnav: [x]\nm:\n  <<: 5\n---\nb: 1\nb: 2\n";
  DiagBag diags;
  HeldFindings held;
  std::vector<std::vector<Diagnostic>> per_doc;
  read_yaml(
      text, "mkdocs.yml", 0, {}, diags, [&](Node&&, int) { per_doc.push_back(held.findings); },
      &held);
  CHECK(diags.all().empty());
  REQUIRE(per_doc.size() == 2);
  REQUIRE(per_doc[0].size() == 2);
  CHECK(per_doc[0][0].rule == "yaml-duplicate-key");
  CHECK(per_doc[0][0].message == "duplicate key 'nav' (first defined at line 2)");
  CHECK(per_doc[0][0].loc.line == 3);
  CHECK(per_doc[0][0].file == "mkdocs.yml");
  CHECK(per_doc[0][1].rule == "yaml-syntax");
  CHECK(per_doc[0][1].loc.line == 5);
  REQUIRE(per_doc[1].size() == 1); // cleared for each document
  CHECK(per_doc[1][0].loc.line == 8);
  // Reported as they were held: the same findings as without `held`.
  DiagBag reported;
  report_held_findings(held, "mkdocs.yml", reported);
  DiagBag at_once;
  read_yaml(text, "mkdocs.yml", 0, {}, at_once, [](Node&&, int) {});
  REQUIRE(at_once.all().size() == 3);
  CHECK(at_once.all()[2].message == reported.all()[0].message);
  CHECK(at_once.all()[2].loc.line == reported.all()[0].loc.line);
  CHECK(at_once.all()[2].hint == reported.all()[0].hint);
}

TEST_CASE("yaml_reader: text after a closing quote is said as such, at its place") {
  for (const char* text : {"service:\n  name: a\n  description: \"abc\", more\n  tier: x\n",
                           "service:\n  name: a\n  description: 'abc' more\n  tier: x\n"}) {
    DiagBag diags;
    parse_yaml_string(text, diags);
    REQUIRE(diags.all().size() == 1);
    const Diagnostic& d = diags.all()[0];
    CHECK(d.loc.line == 3);
    CHECK(d.hint.find("text follows a quoted value's closing quote") == 0);
  }
  // A key indented unlike its neighbours keeps the indentation hint.
  DiagBag diags;
  parse_yaml_string("service:\n  name: a\n    tier: x\n  owner: b\n", diags);
  REQUIRE_FALSE(diags.all().empty());
  CHECK(diags.all()[0].hint.find("text follows") == std::string::npos);
}

TEST_CASE("yaml_reader: the template hint only for {{ where a node starts") {
  auto hint = [](const char* text) {
    DiagBag diags;
    parse_yaml_string(text, diags);
    // The parser's error (a template's `{{ x }}` may be a complex key before it).
    std::string out;
    for (const auto& d : diags.all())
      if (d.message.rfind("invalid YAML", 0) == 0) out = d.hint;
    CHECK_MESSAGE(!out.empty(), text);
    return out;
  };
  const std::string templated = "the file holds {{ }}: if it is a template (Helm, Jinja), leave "
                                "it out of the walk with nines.yaml exclude";
  // kube-prometheus's Alertmanager example: its templates are quoted strings, and its error is a
  // line indented unlike its neighbours, which the parser's hint says.
  const char* alertmanager = "receivers:\n- name: slack\nslack_configs:\n"
                             "- channel: '#alerts'\n  send_resolved: true\n"
                             "   title: '{{ template \"slack.title\" . }}'\n"
                             "    text: \"{{ .CommonAnnotations.summary }}\"\n";
  CHECK(hint(alertmanager) ==
        "a value holding `: ` needs quotes, or this line is indented unlike its neighbours");
  // Nor in a block scalar, a comment or further into a plain scalar.
  CHECK(hint("a: |\n  {{ range .Alerts }}\n  {{ end }}\nb: x # {{ no }}\nc: up {{ x }}\n"
             " d: 1\n") != templated);
  // A Helm template: a line of its own, a value, a list item, a flow item.
  CHECK(hint("metadata:\n  labels:\n    {{- include \"x\" . | nindent 4 }}\n") == templated);
  CHECK(hint("a: {{ .Values.a }}\n b: 1\n") == templated);
  CHECK(hint("a:\n  - {{ .Values.a }}\n b: 1\n") == templated);
  CHECK(hint("a: [x, {{ .Values.a }}]\n b: 1\n") == templated);
  // Quotes are no quotes inside a plain scalar (`it's`), so a later {{ is still found.
  CHECK(hint("a: it's\nb:\n  {{- toYaml .Values.b }}\n c: 1\n") == templated);
  // A Jinja statement or comment where a node starts (backstage/software-templates'
  // create-react-app skeleton: `{%- if values.description %}` on a line of its own).
  CHECK(hint("metadata:\n  name: x\n{%- if values.description %}\n  description: y\n"
             "{%- endif %}\n") ==
        "the file holds {% %}: if it is a template (Jinja, a Backstage skeleton), leave it out "
        "of the walk with nines.yaml exclude");
  CHECK(hint("a: 1\n{# note #}\n b: 2\n") ==
        "the file holds {# #}: if it is a template (Jinja, a Backstage skeleton), leave it out "
        "of the walk with nines.yaml exclude");
}
