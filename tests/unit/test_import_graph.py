"""Features do not call each other in a circle: the import graph between top-level packages of
webapp/ has no cycle (rooms announces events, tracking listens; webapp/wiring.py connects them)."""
import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "webapp"
# The composition root and the app factory import everything by design.
COMPOSERS = {"wiring", "__init__"}


def top_level_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        dotted = ".".join(("webapp", *path.relative_to(ROOT).with_suffix("").parts))
        package = dotted.removesuffix(".__init__") if path.name == "__init__.py" else dotted.rpartition(".")[0]
        source = path.relative_to(ROOT).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom):
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), package) \
                    if node.level else (node.module or "")
                names = [base] if node.module else [f"{base}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "webapp" and len(parts) > 1 and parts[1] != source:
                    graph.setdefault(source, set()).add(parts[1])
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting, done = [], set()

    def visit(node):
        if node in visiting:
            return visiting[visiting.index(node):] + [node]
        if node in done or node in COMPOSERS:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in COMPOSERS and (cycle := visit(target)):
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        if cycle := visit(start):
            return cycle
    return None


def test_no_import_cycle_between_webapp_packages():
    assert find_cycle(top_level_imports()) is None


def test_rooms_knows_nothing_of_tracking():
    assert "tracking" not in top_level_imports().get("rooms", set())


def test_the_checker_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
