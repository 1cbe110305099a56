"""Every operation the live server documents has its method, and the
generated table is the served document's (a stale SDK fails here)."""

from atom_saas import MarketplaceClient
from atom_saas._operations import OPERATIONS

CONTRACT = ["skills", "agent_templates", "domains", "components", "workflows",
            "public", "private", "agents", "keys", "webhooks", "admin"]


def test_every_documented_operation_has_a_method():
    client = MarketplaceClient()
    doc = client.service.openapi()
    served = {}
    for path, item in doc.paths.items():
        for method, op in item.items():
            served[op["operationId"]] = (method.upper(), path)
    assert served, "the served document lists no operation"
    missing = sorted(set(served) - set(OPERATIONS))
    assert not missing, f"operations without a method (run scripts/sdk-generate): {missing}"
    extra = sorted(set(OPERATIONS) - set(served))
    assert not extra, f"methods for operations the server no longer has: {extra}"
    for op_id, (method, path) in served.items():
        op = OPERATIONS[op_id]
        assert (op.method, op.path) == (method, path)
        bound = getattr(getattr(client, op.namespace), op.name)
        assert bound.operation_id == (op.alias_of or op_id)
    for ns in CONTRACT:
        assert hasattr(client, ns), ns


def test_every_route_of_the_reference_has_a_method():
    """Each route the reference names (kept in reference_routes.txt, so the
    check runs on any clone) is an operation of the SDK; where the
    reference sits beside the checkout (../shared/spec/marketplace-api.md),
    the kept list must still be the reference's."""
    import re
    from pathlib import Path

    shape = lambda path: re.sub(r"\{[^}]*\}|:\w+", "{}", path)  # noqa: E731
    kept_file = Path(__file__).with_name("reference_routes.txt")
    kept = {
        tuple(line.split(" ", 1))
        for line in kept_file.read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert len(kept) >= 50, "reference_routes.txt lost its routes"
    spec = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "marketplace-api.md"
    if spec.is_file():
        text = spec.read_text()
        named = {(m, shape(p.rstrip("."))) for m, p in re.findall(r"\b(GET|POST|PUT|DELETE|PATCH)\s+(/[a-z0-9_\-/{}:.]+)", text)}
        assert sorted(named ^ kept) == [], "reference_routes.txt differs from the reference"
    ours = {(op.method, shape(op.path)) for op in OPERATIONS.values()}
    assert sorted(kept - ours) == []
