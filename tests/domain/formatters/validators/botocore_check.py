"""Validate recorded AWS CLI calls against the botocore service models.

Input: argv[1] = directory with one sub-directory per script run, each holding
`calls.log` (argv records: fields separated by 0x1f, records by 0x1e) and copies of
the files passed as --cli-input-json file://... . Output: JSON on stdout,
{run: {"calls": [[service, operation, entry_count]], "errors": [...]}}.

botocore's validate_parameters checks types, required members and minimums only, so
list/string maximums, patterns and enums from the model are checked here as well:
they are what the API would reject (for example more than 100 prefix-list entries in
one call, or a WAF name outside ^[\\w\\-]+$).
"""
import json
import os
import re
import sys

import botocore.session
from botocore.validate import validate_parameters

SKIP = {"--query", "--output", "--region", "--profile"}
INT_PARAMS = {"CurrentVersion", "MaxEntries"}
LIST_PARAMS = {"PrefixListIds"}


def pascal(option):
    return "".join(part[:1].upper() + part[1:] for part in option[2:].split("-"))


def limits(shape, value, path, errors):
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure" and isinstance(value, dict):
        for key, member in shape.members.items():
            if key in value:
                limits(member, value[key], f"{path}.{key}", errors)
    elif kind == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"{path}: {len(value)} items, at most {meta['max']}")
        for i, item in enumerate(value):
            limits(shape.member, item, f"{path}[{i}]", errors)
    elif kind == "string" and isinstance(value, str):
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"{path}: {len(value)} characters, at most {meta['max']}")
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
            errors.append(f"{path}: {value!r} does not match {meta['pattern']}")
        if shape.enum and value not in shape.enum:
            errors.append(f"{path}: {value!r} not in {shape.enum}")


def entry_count(params):
    n = len(params.get("Entries", [])) + len(params.get("AddEntries", []))
    n += len(params.get("Addresses", []))
    for perm in params.get("IpPermissions", []):
        n += len(perm.get("IpRanges", [])) + len(perm.get("Ipv6Ranges", []))
    return n


def main():
    session = botocore.session.get_session()
    models = {}
    result = {}
    root = sys.argv[1]
    for run in sorted(os.listdir(root)):
        run_dir = os.path.join(root, run)
        calls, errors = [], []
        with open(os.path.join(run_dir, "calls.log"), encoding="utf-8") as f:
            records = [r for r in f.read().split("\x1e") if r]
        for record in records:
            args = record.split("\x1f")[:-1]
            service, op_cli, rest = args[0], args[1], args[2:]
            model = models.setdefault(service, session.get_service_model(service))
            names = {n.lower(): n for n in model.operation_names}
            op_name = names.get(op_cli.replace("-", ""))
            if op_name is None:
                errors.append(f"unknown operation {service} {op_cli}")
                continue
            params, cli = {}, {}
            i = 0
            while i < len(rest):
                opt, val = rest[i], rest[i + 1] if i + 1 < len(rest) else None
                i += 2
                if opt in SKIP:
                    continue
                if opt == "--cli-input-json":
                    path = os.path.join(run_dir, os.path.basename(val[len("file://"):]))
                    with open(path, encoding="utf-8") as f:
                        params.update(json.load(f))
                    continue
                name = pascal(opt)
                cli[name] = int(val) if name in INT_PARAMS else [val] if name in LIST_PARAMS else val
            params.update(cli)  # values on the command line win, as in the AWS CLI
            shape = model.operation_model(op_name).input_shape
            try:
                validate_parameters(params, shape)
            except Exception as e:  # ParamValidationError carries the full report
                errors.append(f"{service} {op_name}: {e}")
            before = len(errors)
            limits(shape, params, op_name, errors)
            if len(errors) > before:
                errors[before:] = [f"{service} {op_name}: {e}" for e in errors[before:]]
            calls.append([service, op_name, entry_count(params)])
        result[run] = {"calls": calls, "errors": errors}
    json.dump(result, sys.stdout)


main()
