#!/usr/bin/env python3
"""Writes the generated parts of both SDKs from the OpenAPI document.

Input: the document (`marketplace openapi`, the same JSON `/api/openapi.json`
serves) and the error codes of `app/src/error.rs`. Output, under the given
root (the repository, or a scratch copy for `--check`):

- sdk/python/src/atom_saas/_operations.py  the route table and one method per
  operation, in a namespace class per marketplace (sync and async)
- sdk/python/src/atom_saas/errors.py       one exception class per error code
- sdk/js/src/generated/operations.ts       the same table and namespaces
- sdk/js/src/generated/errors.ts           the same error classes
- sdk/COVERAGE.md                          every operation and the method of each SDK
- sdk/openapi.models.json                  the document with validation keywords
  removed, what datamodel-code-generator and openapi-typescript read: the
  clients parse answers by shape and leave the rules to the server

Standard library only, so it runs before any venv exists. Names are derived
from paths; NAMES below overrides the derived name where the reference or
readability asks for another, and the generator fails on any clash instead of
guessing.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from pathlib import Path

# Path prefix -> namespace, longest first. A path under no prefix gets the
# namespace of its first segment after /api (and /api/v1).
PREFIXES = [
    ("/api/public/v1/marketplace", "public"),
    ("/api/v1/skills/private", "private"),
    ("/api/agent-marketplace", "agent_templates"),
    ("/api/canvas-marketplace", "components"),
    ("/api/components", "components"),
    ("/api/v1/domains", "domains"),
    ("/api/marketplace", "workflows"),
    ("/api/workflows", "workflows"),
    ("/api/skills", "skills"),
    ("/api/agents", "agents"),
    ("/api/keys", "keys"),
    ("/api/oauth", "oauth"),
    ("/oauth", "oauth"),
    ("/api/v1/webhooks", "webhooks"),
    ("/api/webhooks", "webhooks"),
    ("/api/admin", "admin"),
    ("/api/auth", "auth"),
    ("/api/canvases", "canvases"),
    ("/api/packages", "packages"),
    ("/api/reviews", "reviews"),
    ("/api/health", "service"),
    ("/api/openapi.json", "service"),
]
# The contract's namespaces exist even while a marketplace has no route.
REQUIRED_NAMESPACES = [
    "skills",
    "agent_templates",
    "domains",
    "components",
    "workflows",
    "public",
    "private",
    "agents",
    "keys",
    "webhooks",
    "admin",
]
# `/api/components/**` is the reference's alias of the canvas marketplace:
# its operations are served by the canonical route's method.
ALIASES = {"/api/components": "/api/canvas-marketplace/components"}

# A path parameter called `id` is named after what it identifies (the
# literal segment before it), so `skills.rate(skill_id=...)` reads as the
# reference writes it.
ID_NAMES = {
    "skills": "skill_id",
    "rate": "skill_id",
    "approve": "skill_id",
    "reject": "skill_id",
    "rollback": "skill_id",
    "history": "skill_id",
    "private": "skill_id",
    "agents": "agent_id",
    "keys": "key_id",
    "listings": "listing_id",
    "reviews": "review_id",
    "canvases": "canvas_id",
    "workflows": "workflow_id",
    "tenants": "tenant_id",
    "clients": "client_id",
    "webhooks": "webhook_id",
    "deliveries": "delivery_id",
    "peers": "peer_id",
}

# operationId -> method name, where the derived one is not the best word.
NAMES = {
    "get_api_skills_marketplace": "browse",
    "post_api_skills_install": "install",
    "post_api_skills_publish": "publish",
    "post_api_skills_rate__id_": "rate",
    "put_api_skills_rate__id_": "update_rating",
    "post_api_skills_approve__id_": "approve",
    "post_api_skills_reject__id_": "reject",
    "post_api_skills_rollback__id_": "rollback",
    "post_api_skills_version": "create_version",
    "get_api_skills_history__id_": "history",
    "get_api_skills__id_": "get",
    "get_api_skills": "get_many",
    "get_api_agent_marketplace_browse": "browse",
    "post_api_agent_marketplace_install__template_id_": "install",
    "post_api_agent_marketplace_publish__agent_id_": "publish",
    "post_api_agent_marketplace_approve__template_id_": "approve",
    "post_api_agent_marketplace_reject__template_id_": "reject",
    "get_api_v1_domains": "list_mine",
    "post_api_v1_domains": "create",
    "get_api_v1_domains_marketplace_search": "browse",
    "get_api_v1_domains_marketplace__domain_id_": "get",
    "post_api_v1_domains_marketplace_install": "install",
    "post_api_v1_domains_marketplace_submit": "submit",
    "get_api_v1_domains_marketplace_my_submissions": "my_submissions",
    "get_api_v1_domains_marketplace_stats": "stats",
    "get_api_v1_domains_marketplace_trending": "trending",
    "post_api_v1_domains_marketplace__domain_id__approve": "approve",
    "post_api_v1_domains_marketplace__domain_id__reject": "reject",
    "post_api_v1_domains_marketplace__domain_id__rate": "rate",
    "put_api_v1_domains_marketplace__domain_id__rate": "update_rating",
    "get_api_canvas_marketplace_components": "browse",
    "post_api_canvas_marketplace_components": "create",
    "get_api_canvas_marketplace_components__component_id_": "get",
    "post_api_canvas_marketplace_components_install": "install",
    "post_api_canvas_marketplace_components_publish": "publish",
    "post_api_canvas_marketplace_components__component_id__approve": "approve",
    "post_api_canvas_marketplace_components__component_id__reject": "reject",
    "post_api_canvas_marketplace_components__component_id__rate": "rate",
    "put_api_canvas_marketplace_components__component_id__rate": "update_rating",
    "get_api_canvas_marketplace_components__component_id__ratings": "ratings",
    "get_api_canvas_marketplace_categories": "categories",
    "get_api_canvas_marketplace_tags": "tags",
    "get_api_marketplace_templates": "browse",
    "get_api_marketplace_templates__template_id_": "get",
    "get_api_marketplace_templates_featured": "featured",
    "get_api_marketplace_templates_statistics": "statistics",
    "get_api_marketplace_templates_types": "types",
    "post_api_marketplace_templates_advanced": "create_advanced",
    "post_api_marketplace_templates__template_id__import": "install",
    "post_api_marketplace_templates__template_id__create_workflow": "create_workflow",
    "post_api_marketplace_export": "export",
    "post_api_marketplace_import": "import_file",
    "get_api_workflows": "list_workspace",
    "get_api_workflows__id_": "get_workspace",
    "get_api_public_v1_marketplace_skills": "browse",
    "get_api_public_v1_marketplace_skills__id_": "get",
    "post_api_public_v1_marketplace_skills__id__rate": "rate",
    "get_api_public_v1_marketplace_skills__id__reviews": "reviews",
    "post_api_public_v1_marketplace_reviews__id__flag": "flag_review",
    "post_api_public_v1_marketplace_submit": "submit",
    "get_api_public_v1_marketplace_categories": "categories",
    "get_api_public_v1_marketplace_tags": "tags",
    "get_api_v1_skills_private": "list",
    "post_api_v1_skills_private": "create",
    "post_api_v1_skills_private_install": "install",
    "put_api_v1_skills_private__id_": "update",
    "delete_api_v1_skills_private__id_": "delete",
    "get_api_admin_review_queue": "review_queue",
    "get_api_admin_flags": "flagged_reviews",
    "get_api_admin_audit": "audit_log",
    "post_api_admin_listings__id__approve": "approve_listing",
    "post_api_admin_listings__id__reject": "reject_listing",
    "post_api_admin_listings__id__suspend": "suspend_listing",
    "post_api_admin_listings__id__approve_risk": "approve_risk",
    "post_api_admin_reviews__id__hide": "hide_review",
    "post_api_admin_reviews__id__restore": "restore_review",
    "put_api_admin_maintenance": "set_maintenance",
    "put_api_admin_packages__name_": "put_package",
    "put_api_admin_tenants__id_": "update_tenant",
    "get_api_packages": "list",
    "post_api_packages_request": "request",
    "get_api_packages__name__vulnerabilities": "vulnerabilities",
    "put_api_reviews__id__response": "respond",
    "post_api_reviews__id__vote": "vote",
    "post_oauth_token": "token",
    "post_oauth_revoke": "revoke",
    "get_api_oauth_clients": "list_clients",
    "post_api_oauth_clients": "create_client",
    "delete_api_oauth_clients__id_": "delete_client",
    "get_api_admin_stats": "stats",
    "get_api_admin_federation_peers": "federation_peers",
    "put_api_admin_federation_peers__name_": "put_federation_peer",
    "delete_api_admin_federation_peers__name_": "delete_federation_peer",
    "post_api_admin_federation_peers__name__sync": "sync_federation_peer",
    "get_api_federation_v1_marketplace__kind_": "catalog",
    "get_api_federation_v1_marketplace__kind___id__bundle": "bundle",
    "get_api_listings__id__stats": "stats",
    "get_api_webhooks__id__deliveries": "deliveries",
    "post_api_webhooks_deliveries__id__redeliver": "redeliver",
    "get_api_auth_me": "me",
    "get_api_health": "health",
    "get_api_openapi_json": "openapi",
}

ACCESS = {
    "public": "no credentials needed",
    "optional": "credentials optional (they show the caller's own items)",
    "required": "an API key, OAuth token or session",
    "key_or_token": "an API key or OAuth token",
    "operator": "an operator's credentials (GOVERNANCE_APPROVE)",
    "federation_key": "a federation peer's key (the client's federation_key)",
}

# Array fields holding a page's items, when a page has more than one array.
ITEMS_FIELDS = ["items", "data", "results", "entries"]

# Validation keywords the models do not repeat (the server enforces them;
# a client that re-checked answers would break on every loosened rule).
CONSTRAINTS = {
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "format",
}


def fail(msg: str) -> None:
    sys.exit(f"sdk-generate: {msg}")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\-]", name) if p)


def ident(name: str) -> str:
    name = re.sub(r"\W", "_", name)
    return name + "_" if keyword.iskeyword(name) or name in ("self",) else name


def namespace_of(path: str) -> tuple[str, str]:
    for prefix, ns in PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return ns, prefix
    segs = [s for s in path.split("/") if s and not s.startswith("{")]
    segs = [s for s in segs if s not in ("api", "v1")]
    if not segs:
        fail(f"no namespace for {path}")
    return ident(segs[0].replace("-", "_")), "/" + "/".join(path.split("/")[1:3])


def derived_name(method: str, rel: str) -> str:
    segs = [s for s in rel.split("/") if s]
    literals = [s.replace("-", "_").replace(".", "_") for s in segs if not s.startswith("{")]
    ends_param = bool(segs) and segs[-1].startswith("{")
    base = "_".join(literals)
    if method == "get":
        verb = "get" if ends_param else "list"
    elif method == "post":
        return base or "create"
    elif method == "put":
        verb = "update"
    elif method == "delete":
        verb = "delete"
    else:
        verb = method
    return f"{verb}_{base}" if base else verb


def strip_constraints(node):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in CONSTRAINTS and not isinstance(v, dict):
                continue
            if k == "additionalProperties" and v is False:
                continue
            if k == "properties" and isinstance(v, dict):
                out[k] = {pk: strip_constraints(pv) for pk, pv in v.items()}
            else:
                out[k] = strip_constraints(v)
        return out
    if isinstance(node, list):
        return [strip_constraints(v) for v in node]
    return node


class Doc:
    def __init__(self, doc: dict):
        self.doc = doc
        self.schemas = doc.get("components", {}).get("schemas", {})

    def resolve(self, schema: dict) -> dict:
        seen = 0
        while "$ref" in schema:
            seen += 1
            if seen > 20:
                fail("reference cycle")
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def object_fields(self, schema: dict) -> tuple[dict, set]:
        """Properties and required names of an object body (alternatives
        of anyOf/oneOf merged: a field is required only if every
        alternative requires it)."""
        s = self.resolve(schema)
        alts = s.get("anyOf") or s.get("oneOf")
        if alts:
            props, req = {}, None
            for alt in alts:
                p, r = self.object_fields(alt)
                for k, v in p.items():
                    props.setdefault(k, v)
                req = r if req is None else req & r
            return props, req or set()
        if "allOf" in s:
            props, req = {}, set()
            for part in s["allOf"]:
                p, r = self.object_fields(part)
                props.update(p)
                req |= r
            return props, req
        return dict(s.get("properties", {})), set(s.get("required", []))


def ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def py_model_name(name: str) -> str:
    # datamodel-code-generator's class name for a schema name.
    return re.sub(r"\W", "_", name)


def types_of(schema: dict) -> list:
    t = schema.get("type")
    if isinstance(t, list):
        return t
    return [t] if t else []


def py_type(schema: dict) -> str:
    if "$ref" in schema:
        return "Any"
    if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
        return "Literal[" + ", ".join(json.dumps(v) for v in schema["enum"]) + "]"
    ts = [t for t in types_of(schema) if t != "null"]
    if len(ts) != 1:
        return "Any"
    t = ts[0]
    if t == "array":
        return f"List[{py_type(schema.get('items', {}))}]"
    return {
        "string": "str",
        "integer": "int",
        "number": "float",
        "boolean": "bool",
        "object": "Dict[str, Any]",
    }.get(t, "Any")


def ts_type(schema: dict) -> str:
    if "$ref" in schema:
        return f'components["schemas"]["{ref_name(schema)}"]'
    if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
        return " | ".join(json.dumps(v) for v in schema["enum"])
    ts = [t for t in types_of(schema) if t != "null"]
    if len(ts) != 1:
        return "unknown"
    t = ts[0]
    if t == "array":
        inner = ts_type(schema.get("items", {}))
        return f"Array<{inner}>"
    return {
        "string": "string",
        "integer": "number",
        "number": "number",
        "boolean": "boolean",
        "object": "Record<string, unknown>",
    }.get(t, "unknown")


class Param:
    def __init__(self, name, wire, loc, schema, required, description):
        self.name, self.wire, self.loc = name, wire, loc
        self.schema, self.required = schema, required
        self.description = (description or "").strip().splitlines()[0] if description else ""

    @property
    def js(self) -> str:
        return camel(self.name)


class Op:
    pass


def build_ops(doc: Doc) -> list:
    ops = []
    for path, item in sorted(doc.doc.get("paths", {}).items()):
        for method, raw in sorted(item.items()):
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            op = Op()
            op.id = raw["operationId"]
            op.method = method.upper()
            op.path = path
            op.summary = (raw.get("summary") or "").strip()
            op.access = raw.get("x-access", "")
            op.ns, prefix = namespace_of(path)
            op.alias_of = None
            for alias, canonical in ALIASES.items():
                if path == alias or path.startswith(alias + "/"):
                    target = canonical + path[len(alias):]
                    if method in doc.doc["paths"].get(target, {}):
                        op.alias_of = doc.doc["paths"][target][method]["operationId"]
            op.name = NAMES.get(op.id) or derived_name(method, path[len(prefix):])
            params = []
            segs = [s for s in path.split("/") if s]
            for p in raw.get("parameters", []):
                if p["in"] not in ("path", "query"):
                    continue
                name = p["name"]
                if p["in"] == "path" and name == "id":
                    i = segs.index("{id}")
                    before = segs[i - 1] if i else ""
                    name = ID_NAMES.get(before, "id")
                params.append(
                    Param(
                        ident(name),
                        p["name"],
                        p["in"],
                        p.get("schema", {}),
                        p["in"] == "path" or p.get("required", False),
                        p.get("description"),
                    )
                )
            op.body = None
            body = raw.get("requestBody")
            if body:
                content = body.get("content", {})
                if "application/json" in content:
                    op.body = "json"
                    schema = content["application/json"]["schema"]
                elif "application/x-www-form-urlencoded" in content:
                    op.body = "form"
                    schema = content["application/x-www-form-urlencoded"]["schema"]
                else:
                    fail(f"{op.id}: unsupported body {list(content)}")
                props, required = doc.object_fields(schema)
                if not props:
                    fail(f"{op.id}: a body without properties")
                for wire, s in props.items():
                    existing = [x for x in params if x.name == ident(wire)]
                    if existing:
                        # The same name in the query and the body (dry_run
                        # of the install routes): one argument, sent in the
                        # body, which is what the body's schema documents.
                        for x in existing:
                            params.remove(x)
                    params.append(
                        Param(
                            ident(wire),
                            wire,
                            "body",
                            s,
                            wire in required and body.get("required", True),
                            s.get("description"),
                        )
                    )
            names = [p.name for p in params]
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                fail(f"{op.id}: arguments named twice: {sorted(dup)}")
            op.params = params
            # The answer: the first 2xx with a JSON schema.
            op.response = None  # ("model", Name) | ("list", Name) | ("json", None) | None
            op.items = None
            op.status = None
            for status, resp in sorted(raw.get("responses", {}).items()):
                if not status.startswith("2"):
                    continue
                op.status = int(status)
                schema = resp.get("content", {}).get("application/json", {}).get("schema")
                if schema is None:
                    op.response = None
                elif ref_name(schema):
                    op.response = ("model", ref_name(schema))
                    fields, _ = doc.object_fields(schema)
                    arrays = [k for k, v in fields.items() if "array" in types_of(doc.resolve(v))]
                    if len(arrays) == 1:
                        op.items = arrays[0]
                    else:
                        preferred = [k for k in ITEMS_FIELDS if k in arrays]
                        op.items = preferred[0] if preferred else None
                elif "array" in types_of(schema) and ref_name(schema.get("items", {})):
                    op.response = ("list", ref_name(schema["items"]))
                else:
                    op.response = ("json", None)
                break
            wires = {p.wire for p in params if p.loc == "query"}
            op.paged = op.method == "GET" and bool(wires & {"offset", "cursor"}) and (
                op.items is not None or (op.response or ("",))[0] == "list"
            )
            ops.append(op)
    # An alias is called through its canonical operation's method.
    by_id = {op.id: op for op in ops}
    for op in ops:
        if op.alias_of:
            op.name = by_id[op.alias_of].name
    # Clashes within a namespace are a naming bug, never resolved silently.
    seen = {}
    for op in ops:
        if op.alias_of:
            continue
        key = (op.ns, op.name)
        if key in seen:
            fail(f"{op.id} and {seen[key]} are both {op.ns}.{op.name}: add one to NAMES")
        seen[key] = op.id
    return ops


def error_codes(error_rs: Path) -> list:
    text = error_rs.read_text()
    m = re.search(r"pub enum ErrorCode \{(.*?)\n\}", text, re.S)
    if not m:
        fail(f"no ErrorCode enum in {error_rs}")
    status = None
    codes = []
    for line in m.group(1).splitlines():
        line = line.strip()
        c = re.match(r"//\s*(\d{3})", line)
        if c:
            status = int(c.group(1))
            continue
        v = re.match(r"([A-Z][A-Za-z0-9]*),", line)
        if v:
            wire = re.sub(r"(?<!^)(?=[A-Z])", "_", v.group(1)).upper()
            codes.append((wire, v.group(1), status))
    return codes


# ---------------------------------------------------------------- python


def py_doc(text: str, indent: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', "'''")
    return f'{indent}"""{text}"""\n'


def gen_python(ops, doc: Doc) -> str:
    out = [
        "# Generated by scripts/sdk-generate from the OpenAPI document: do not edit.\n",
        "from __future__ import annotations\n\n",
        "from typing import Any, Dict, List, Optional, Union\n\n",
        "from typing_extensions import Literal\n\n",
        "from . import models\n",
        "from ._namespace import AsyncNamespace, Operation, Param, SyncNamespace, operation\n",
        "from ._results import JsonList, JsonObject, NoContent\n\n",
        "OPERATIONS: Dict[str, Operation] = {\n",
    ]
    for op in ops:
        params = ", ".join(
            f"Param({p.name!r}, {p.wire!r}, {p.loc!r}, {p.required!r})" for p in op.params
        )
        resp = repr(op.response) if op.response else "None"
        out.append(
            f"    {op.id!r}: Operation({op.id!r}, {op.method!r}, {op.path!r}, "
            f"({params}{',' if len(op.params) == 1 else ''}), {op.body!r}, {resp}, "
            f"{op.items!r}, {op.paged!r}, {op.ns!r}, {op.name!r}, {op.alias_of!r}),\n"
        )
    out.append("}\n\n")
    by_ns = namespaces(ops)
    for flavour in ("sync", "async"):
        for ns, members in by_ns.items():
            cls = ("Async" if flavour == "async" else "") + pascal(ns) + "Api"
            base = "AsyncNamespace" if flavour == "async" else "SyncNamespace"
            out.append(f"\nclass {cls}({base}):\n")
            out.append(py_doc(f"The `{ns}` routes.", "    "))
            if not members:
                out.append("    pass\n")
            for op in members:
                ret = py_return(op)
                args = ["self", "*"] if op.params else ["self"]
                for p in sorted(op.params, key=lambda p: not p.required):
                    t = py_type(p.schema)
                    if p.required:
                        args.append(f"{p.name}: {t}")
                    else:
                        args.append(f"{p.name}: Optional[{t}] = None")
                call = ", ".join(f"{p.name!r}: {p.name}" for p in op.params)
                a = "async " if flavour == "async" else ""
                aw = "await " if flavour == "async" else ""
                out.append(f"\n    @operation({op.id!r})\n")
                out.append(f"    {a}def {op.name}({', '.join(args)}) -> {ret}:\n")
                text = f"{op.method} {op.path}" + (f": {op.summary}" if op.summary else "")
                if op.access in ACCESS:
                    text += f"\n\n        Access: {ACCESS[op.access]}."
                if op.paged:
                    text += "\n\n        One page; `client.iter_all(client.%s.%s, ...)` walks them all." % (ns, op.name)
                out.append(py_doc(text, "        "))
                out.append(f"        return {aw}self._call({op.id!r}, {{{call}}})  # type: ignore[no-any-return]\n")
    # The clients' namespace attributes, spelt out so type checkers see them.
    for flavour in ("", "Async"):
        out.append(f"\n\nclass {flavour}Namespaces:\n")
        out.append("    def _init_namespaces(self) -> None:\n")
        for ns in by_ns:
            out.append(f"        self.{ns} = {flavour}{pascal(ns)}Api(self)  # type: ignore[arg-type]\n")
    out.append("\n\nNAMESPACES = {\n")
    for ns in by_ns:
        out.append(f"    {ns!r}: ({pascal(ns)}Api, Async{pascal(ns)}Api),\n")
    out.append("}\n")
    return "".join(out)


def py_return(op) -> str:
    if op.response is None:
        return "NoContent"
    kind, name = op.response
    if kind == "model":
        return f"models.{py_model_name(name)}"
    if kind == "list":
        return f"JsonList[models.{py_model_name(name)}]"
    return "Union[JsonObject, JsonList[Any]]"


def namespaces(ops) -> dict:
    by_ns = {ns: [] for ns in REQUIRED_NAMESPACES}
    for op in ops:
        by_ns.setdefault(op.ns, [])
        if not op.alias_of:
            by_ns[op.ns].append(op)
    return by_ns


def gen_py_errors(codes) -> str:
    out = [
        "# Generated by scripts/sdk-generate from app/src/error.rs: do not edit.\n",
        '"""One exception class per error code of the API (`SKILL_NOT_FOUND` ->\n',
        "`SkillNotFoundError`), all subclasses of `MarketplaceError`.\"\"\"\n\n",
        "from __future__ import annotations\n\n",
        "from typing import Dict, Type\n\n",
        "from ._errors_base import (\n",
        "    MarketplaceConnectionError,\n",
        "    MarketplaceError,\n",
        "    MarketplaceTimeoutError,\n",
        ")\n\n",
    ]
    names = []
    for wire, variant, status in codes:
        cls = variant + "Error"
        names.append(cls)
        if wire == "RATE_LIMIT_EXCEEDED":
            out.append(
                f"\nclass {cls}(MarketplaceError):\n"
                f'    """`{wire}` ({status}); `retry_after` is the wait the server asked for, in seconds."""\n\n'
                f"    retry_after: int\n\n"
                f"    def __init__(self, *args: object, **kwargs: object) -> None:\n"
                f"        super().__init__(*args, **kwargs)  # type: ignore[arg-type]\n"
                f"        self.retry_after = int(self._retry_after or 0)\n\n"
            )
        else:
            out.append(f'\nclass {cls}(MarketplaceError):\n    """`{wire}` ({status})."""\n\n')
    out.append("\nERROR_CLASSES: Dict[str, Type[MarketplaceError]] = {\n")
    for (wire, variant, _), cls in zip(codes, names):
        out.append(f"    {wire!r}: {cls},\n")
    out.append("}\n\n__all__ = [\n")
    for n in ["MarketplaceError", "MarketplaceConnectionError", "MarketplaceTimeoutError", "ERROR_CLASSES"] + names:
        out.append(f"    {n!r},\n")
    out.append("]\n")
    return "".join(out)


# ---------------------------------------------------------------- js


def gen_js(ops) -> str:
    out = [
        "// Generated by scripts/sdk-generate from the OpenAPI document: do not edit.\n",
        "/* eslint-disable */\n",
        'import type { components } from "./schema.js";\n',
        'import type { Operation, Result, Transport } from "../transport.js";\n\n',
        "export const OPERATIONS: Record<string, Operation> = {\n",
    ]
    for op in ops:
        params = ", ".join(
            "[%s, %s, %s, %s]"
            % (json.dumps(p.js), json.dumps(p.wire), json.dumps(p.loc), "true" if p.required else "false")
            for p in op.params
        )
        out.append(
            f"  {op.id}: {{ id: {json.dumps(op.id)}, method: {json.dumps(op.method)}, path: {json.dumps(op.path)}, "
            f"params: [{params}], body: {json.dumps(op.body)}, items: {json.dumps(op.items)}, "
            f"paged: {json.dumps(op.paged)}, namespace: {json.dumps(camel(op.ns))}, name: {json.dumps(camel(op.name))}, "
            f"aliasOf: {json.dumps(op.alias_of)} }},\n"
        )
    out.append("};\n")
    for ns, members in namespaces(ops).items():
        cls = pascal(ns) + "Api"
        out.append(f"\n/** The `{ns}` routes. */\nexport class {cls} {{\n")
        out.append("  constructor(private readonly transport: Transport) {}\n")
        for op in members:
            argt = pascal(op.ns) + pascal(op.name) + "Args"
            ret = ts_return(op)
            any_required = any(p.required for p in op.params)
            text = f"{op.method} {op.path}" + (f": {op.summary}" if op.summary else "")
            if op.access in ACCESS:
                text += f". Access: {ACCESS[op.access]}"
            if op.paged:
                text += f" (one page; `client.iterAll(client.{camel(ns)}.{camel(op.name)}, args)` walks them all)"
            text = text.replace("*/", "*\\/")
            out.append(f"\n  /** {text} */\n")
            if op.params:
                default = "" if any_required else " = {}"
                out.append(
                    f"  {camel(op.name)}(args: {argt}{default}): Promise<{ret}> {{\n"
                    f"    return this.transport.call(OPERATIONS.{op.id}, args as unknown as Record<string, unknown>) as Promise<{ret}>;\n  }}\n"
                )
            else:
                out.append(
                    f"  {camel(op.name)}(): Promise<{ret}> {{\n"
                    f"    return this.transport.call(OPERATIONS.{op.id}, {{}}) as Promise<{ret}>;\n  }}\n"
                )
        out.append("}\n")
        for op in members:
            if not op.params:
                continue
            argt = pascal(op.ns) + pascal(op.name) + "Args"
            out.append(f"\n/** Arguments of `{camel(ns)}.{camel(op.name)}` ({op.method} {op.path}). */\n")
            out.append(f"export interface {argt} {{\n")
            for p in op.params:
                if p.description:
                    comment = p.description.replace("*/", "*\\/")
                    out.append(f"  /** {comment} */\n")
                opt = "" if p.required else "?"
                out.append(f"  {p.js}{opt}: {ts_type(p.schema)}{'' if p.required else ' | null'};\n")
            out.append("}\n")
        # Attach the operation to each method so iterAll can find it.
        for op in members:
            out.append(
                f'Object.defineProperty({cls}.prototype.{camel(op.name)}, "operationId", {{ value: {json.dumps(op.id)} }});\n'
            )
    out.append("\n/** The client's namespaces, one per marketplace or area. */\nexport interface Namespaces {\n")
    for ns in namespaces(ops):
        out.append(f"  readonly {camel(ns)}: {pascal(ns)}Api;\n")
    out.append("}\n\nexport function createNamespaces(transport: Transport): Namespaces {\n  return {\n")
    for ns in namespaces(ops):
        out.append(f"    {camel(ns)}: new {pascal(ns)}Api(transport),\n")
    out.append("  };\n}\n")
    return "".join(out)


def ts_return(op) -> str:
    if op.response is None:
        return "Result<Record<string, never>>"
    kind, name = op.response
    if kind == "model":
        return f'Result<components["schemas"]["{name}"]>'
    if kind == "list":
        return f'Result<Array<components["schemas"]["{name}"]>>'
    return "Result<unknown>"


def gen_js_errors(codes) -> str:
    out = [
        "// Generated by scripts/sdk-generate from app/src/error.rs: do not edit.\n",
        'import { MarketplaceError, type ErrorInit } from "../errors.js";\n\n',
    ]
    names = []
    for wire, variant, status in codes:
        cls = variant + "Error"
        names.append((wire, cls))
        if wire == "RATE_LIMIT_EXCEEDED":
            out.append(
                f"/** `{wire}` ({status}); `retryAfter` is the wait the server asked for, in seconds. */\n"
                f"export class {cls} extends MarketplaceError {{\n"
                f"  readonly retryAfter: number;\n"
                f"  constructor(init: ErrorInit) {{\n    super(init);\n    this.name = {json.dumps(cls)};\n"
                f"    this.retryAfter = init.retryAfter ?? 0;\n  }}\n}}\n"
            )
        else:
            out.append(
                f"/** `{wire}` ({status}). */\nexport class {cls} extends MarketplaceError {{\n"
                f"  constructor(init: ErrorInit) {{\n    super(init);\n    this.name = {json.dumps(cls)};\n  }}\n}}\n"
            )
    out.append("\nexport const ERROR_CLASSES: Record<string, new (init: ErrorInit) => MarketplaceError> = {\n")
    for wire, cls in names:
        out.append(f"  {wire}: {cls},\n")
    out.append("};\n")
    return "".join(out)


# ---------------------------------------------------------------- coverage


def gen_coverage(ops) -> str:
    out = [
        "# SDK coverage\n\n",
        "Generated by `scripts/sdk-generate` from the OpenAPI document: every\n",
        "operation the server documents and the method that calls it in each SDK.\n",
        "`sdk/python/tests/test_coverage.py` and `sdk/js/test/coverage.test.mjs`\n",
        "check this against the live server's `/api/openapi.json`.\n\n",
        f"{len(ops)} operations.\n\n",
        "| route | operationId | Python | JavaScript |\n|---|---|---|---|\n",
    ]
    by_id = {op.id: op for op in ops}
    for op in ops:
        target = by_id[op.alias_of] if op.alias_of else op
        py = f"`client.{target.ns}.{target.name}()`"
        js = f"`client.{camel(target.ns)}.{camel(target.name)}()`"
        note = " (alias)" if op.alias_of else ""
        out.append(f"| `{op.method} {op.path}`{note} | `{op.id}` | {py} | {js} |\n")
    return "".join(out)


def main() -> None:
    if len(sys.argv) != 4:
        fail("usage: generate.py OPENAPI_JSON ERROR_RS OUT_ROOT")
    raw = json.loads(Path(sys.argv[1]).read_text())
    codes = error_codes(Path(sys.argv[2]))
    root = Path(sys.argv[3])
    doc = Doc(raw)
    ops = build_ops(doc)
    files = {
        "sdk/python/src/atom_saas/_operations.py": gen_python(ops, doc),
        "sdk/python/src/atom_saas/errors.py": gen_py_errors(codes),
        "sdk/js/src/generated/operations.ts": gen_js(ops),
        "sdk/js/src/generated/errors.ts": gen_js_errors(codes),
        "sdk/COVERAGE.md": gen_coverage(ops),
        "sdk/openapi.models.json": json.dumps(strip_constraints(raw), indent=2, sort_keys=True) + "\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


if __name__ == "__main__":
    main()
