#!/usr/bin/env python3
"""Every page nines writes is valid HTML, as the W3C's Nu HTML Checker (vnu) reads it.

Two sites are checked, every .html file of each:
  1. the example organisation (content/), which uses every layout;
  2. the example with a runbook whose Markdown body holds what authors write and what an attacker
     might: raw HTML (block and inline, unclosed), GFM tables with ragged rows, task lists,
     footnotes, strikethrough, autolinks, duplicate and empty headings, a heading of 300 characters,
     nested lists and block quotes, code fences with info strings, images without alt text.

The checker is the `vnu-jar` package from npm (scripts/setup-deps.sh --with-tests), run on Java.
It must reject a broken page, or the check above proves nothing: a last run feeds it one.

usage: test_html_valid.py NINES SOURCE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from support import Checks, npm_global_file

NINES, SRC = sys.argv[1], sys.argv[2]
NOW = "2026-11-01T00:00:00Z"
check = Checks()


def vnu_errors(jar, folder):
    """The checker's errors on every .html file below folder, as 'file:line: message'."""
    p = subprocess.run(["java", "-jar", jar, "--errors-only", "--skip-non-html", "--format",
                        "json", folder], capture_output=True, text=True, timeout=600)
    # vnu writes its JSON report to stderr, and exits 1 when it found errors.
    try:
        report = json.loads(p.stderr)
    except json.JSONDecodeError:
        return [f"vnu gave no report (exit {p.returncode}): {p.stderr[:500]}"]
    out = []
    for m in report.get("messages", []):
        if m.get("type") != "error":
            continue
        url = m.get("url", "")
        rel = url.split(folder.rstrip("/") + "/", 1)[-1]
        out.append(f"{rel}:{m.get('lastLine', '?')}: {m.get('message', '')}")
    return out


HOSTILE_BODY = """
# Runbook notes

Some <b>bold</b> inline HTML, an unclosed <span class="x">span, and a <script>alert(1)</script>.

<div>
a raw block of HTML that is never closed

<table><tr><td>raw table

| a | b | c |
|---|:-:|--:|
| 1 | 2 |
| 1 | 2 | 3 | 4 |

- [ ] a task
- [x] a done task
  1. nested
     > a quote
     > > in a quote

Text with a footnote[^1] and ~~strikethrough~~ and https://example.com/autolink?a=1&b=2.

[^1]: The footnote.

## Same heading

## Same heading

##

## {long}

```sh title="x" <weird>
echo "<not html>"
```

![](https://example.com/no-alt.png)

<!-- a comment -- with dashes -->

<iframe src="https://example.com"></iframe>
""".replace("{long}", "L" * 300)


def hostile_repo(dst):
    shutil.copytree(os.path.join(SRC, "content"), dst)
    md = os.path.join(dst, "runbooks", "checkout-api", "checkout-api-medium-burn.md")
    with open(md, encoding="utf-8") as f:
        text = f.read()
    # The front matter ends at the second '---' line; the body after it is replaced.
    head, sep, _ = text.partition("\n---\n")
    assert sep, "the example runbook has front matter"
    with open(md, "w", encoding="utf-8") as f:
        f.write(head + sep + HOSTILE_BODY)


def build(repo, out):
    p = subprocess.run([NINES, "-C", repo, "build", "--offline", "--now", NOW, "-o", out],
                       capture_output=True, text=True, timeout=600)
    check(p.returncode == 0, f"build of {os.path.basename(repo)}: exit {p.returncode}: "
                             f"{p.stderr[-2000:]}")
    return p.returncode == 0


def main():
    jar = npm_global_file("vnu-jar/build/dist/vnu.jar")
    check(jar is not None, "vnu-jar is installed (scripts/setup-deps.sh --with-tests)")
    check(shutil.which("java") is not None, "java is installed (scripts/setup-deps.sh --with-tests)")
    if not jar or not shutil.which("java"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        example = os.path.join(tmp, "example")
        shutil.copytree(os.path.join(SRC, "content"), example)
        hostile = os.path.join(tmp, "hostile")
        hostile_repo(hostile)
        for name, repo in (("example", example), ("hostile", hostile)):
            out = os.path.join(tmp, "site-" + name)
            if not build(repo, out):
                continue
            pages = sum(1 for _, _, files in os.walk(out) for f in files if f.endswith(".html"))
            check(pages > 50, f"{name}: only {pages} pages")
            errors = vnu_errors(jar, out)
            check(not errors, f"{name}: {len(errors)} HTML errors:\n  " + "\n  ".join(errors[:40]))
            print(f"{name}: {pages} pages checked, {len(errors)} errors")

        # The checker must see a broken page as broken.
        broken = os.path.join(tmp, "broken")
        os.makedirs(broken)
        with open(os.path.join(broken, "index.html"), "w", encoding="utf-8") as f:
            f.write('<!doctype html><html lang="en"><head><title>x</title></head><body>'
                    '<figure role="region"><p>x</p><figcaption>c</figcaption></figure>'
                    '<p><div>block in a paragraph</div></p></body></html>')
        check(len(vnu_errors(jar, broken)) >= 2, "vnu did not find the errors of a broken page")


main()
sys.exit(check.finish())
