"""Validate recorded `ufw` invocations with ufw's own parser and dry-run backend.

Input: argv[1] = a calls.log (argv records: fields separated by 0x1f, records by 0x1e).
Each record runs as `ufw --dry-run <args>` would: parse_command, then do_action on a
dry-run frontend. One process for all records, because starting ufw 10 000 times would
take minutes; the backend's in-memory rules are reset before each record so every rule
is checked on its own, like a dry run on a fresh system. Output: JSON on stdout,
{"ok": n, "errors": [...]}.
"""
import contextlib
import gettext
import io
import json
import sys

gettext.install("ufw")
import ufw.frontend  # noqa: E402  (needs the gettext builtins installed first)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        records = [r for r in f.read().split("\x1e") if r]
    ui = ufw.frontend.UFWFrontend(True)
    ok, errors = 0, []
    for record in records:
        args = ["ufw", "--dry-run"] + record.split("\x1f")[:-1]
        try:
            pr = ufw.frontend.parse_command(args)
            ui.backend.rules = []
            ui.backend.rules6 = []
            with contextlib.redirect_stdout(io.StringIO()):
                ui.do_action(pr.action, pr.data["rule"], pr.data["iptype"], pr.force)
            ok += 1
        except BaseException as e:  # ufw reports bad input with SystemExit, ValueError or UFWError
            errors.append(f"{args[2:]}: {type(e).__name__}: {getattr(e, 'value', e)}")
    json.dump({"ok": ok, "errors": errors[:20]}, sys.stdout)


main()
