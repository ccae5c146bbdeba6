"""The plugin's import graph runs one way: no module imports, at load time, a module that (directly or through others)
imports it back; loading the settings declaration pulls in nothing but itself (no requests, no feature code); and the
pure planning packages import nothing of Django or NetBox (the lifecycle's planning not even inside a function)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "netbox_wmf_ops"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def load_time_imports(path: Path) -> set[str]:
    """Project modules imported by the module's top-level code (imports inside functions run later, not at load)."""
    return {m for m in all_load_time_imports(path) if m == "netbox_wmf_ops" or m.startswith("netbox_wmf_ops.")}


def all_load_time_imports(path: Path) -> set[str]:
    """Every module (and imported name, as ``module.name``) the module's top-level code imports."""
    statements: list[ast.stmt] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If | ast.Try):  # e.g. `if TYPE_CHECKING:` is skipped below; try/except imports count
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            statements += [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
        else:
            statements.append(node)
    return imported_names(path, statements)


def all_imports(path: Path) -> set[str]:
    """Every module the module imports, wherever the import stands (top level, functions, ``TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return imported_names(path, [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)])


def imported_names(path: Path, statements: list[ast.stmt]) -> set[str]:
    """The modules (and ``module.name``) the import ``statements`` of the module at ``path`` name, made absolute."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for statement in statements:
        if isinstance(statement, ast.Import):
            found.update(alias.name for alias in statement.names)
        elif isinstance(statement, ast.ImportFrom):
            base = statement.module or ""
            if statement.level:
                anchor = package.split(".")[: len(package.split(".")) - statement.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in statement.names)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    graph = {}
    for name, path in modules.items():
        # Importing a.b.c first imports its packages a and a.b. A module's own packages are already loading when it
        # runs, so edges to them are not cycles.
        own = set(parents(name))
        targets = {t for t in load_time_imports(path) if t in modules and t != name}
        targets |= {p for t in targets for p in parents(t) if p in modules}
        graph[name] = targets - own - {name}
    return graph


def parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_load_time_import_graph_has_no_cycle():
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_loading_the_settings_declaration_loads_no_feature_code():
    probe = (
        "import sys, netbox_wmf_ops.config_schema as s; "
        "print(sorted(m for m in sys.modules if m.startswith('netbox_wmf_ops'))); print('requests' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    modules, requests_loaded = out.stdout.strip().splitlines()
    allowed = (
        "netbox_wmf_ops",
        "netbox_wmf_ops.config_schema",
        "netbox_wmf_ops.policy",
        "netbox_wmf_ops.ganeti",
        "netbox_wmf_ops.ganeti.config",
    )
    assert [
        m for m in ast.literal_eval(modules) if m not in allowed and not m.startswith("netbox_wmf_ops.config_schema.")
    ] == []
    assert requests_loaded == "False"


# The interface import's planning (docs/architecture.md): pure, so it imports the standard library, its own package
# and these pure modules only; the ORM side is puppetdb/loader.py and puppetdb/applier.py.
PUPPETDB_PLANNING = PACKAGE / "puppetdb" / "planning"
PUPPETDB_PLANNING_READS = (
    "netbox_wmf_ops.puppetdb.planning",
    "netbox_wmf_ops.puppetdb.facts",
    "netbox_wmf_ops.policy",
    "netbox_wmf_ops.logs",
)


def impure_imports(path: Path, allowed: tuple[str, ...], anywhere: bool = False) -> list[str]:
    """What the module imports at load time (``anywhere``: also inside its functions) beyond the standard library and
    the ``allowed`` modules. ``from netbox_wmf_ops import policy`` names the plugin package itself, already loaded
    before any of its modules, and ``netbox_wmf_ops.policy``, which is checked."""
    found = []
    for name in sorted(all_imports(path) if anywhere else all_load_time_imports(path)):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top == "__future__" or name == "netbox_wmf_ops":
            continue
        if not any(name == a or name.startswith(f"{a}.") for a in allowed):
            found.append(name)
    return found


def test_the_puppetdb_planning_imports_no_django_and_no_orm_code():
    modules = sorted(PUPPETDB_PLANNING.glob("*.py"))
    assert len(modules) > 5
    assert {p.name: impure_imports(p, PUPPETDB_PLANNING_READS) for p in modules} == {p.name: [] for p in modules}


def test_the_purity_check_sees_the_loaders_orm_imports():
    impure = impure_imports(PACKAGE / "puppetdb" / "loader.py", PUPPETDB_PLANNING_READS)
    assert "dcim.models" in impure and "django.db.models" in impure


# The lifecycle scripts' planning (docs/architecture.md): pure, nowhere in it an import of Django or NetBox (the
# services used to hide theirs inside functions); the ORM side is lifecycle/<capability>.py.
LIFECYCLE_PLANNING = PACKAGE / "lifecycle" / "planning"
LIFECYCLE_PLANNING_READS = (
    "netbox_wmf_ops.lifecycle.planning",
    "netbox_wmf_ops.puppetdb.planning",
    "netbox_wmf_ops.policy",
    "netbox_wmf_ops.logs",
    "netaddr",
)


def test_the_lifecycle_planning_imports_no_django_anywhere():
    modules = sorted(LIFECYCLE_PLANNING.glob("*.py"))
    assert len(modules) > 5
    found = {p.name: impure_imports(p, LIFECYCLE_PLANNING_READS, anywhere=True) for p in modules}
    assert found == {p.name: [] for p in modules}


def test_the_purity_check_sees_imports_inside_functions():
    links = PACKAGE / "links.py"  # imports django.db in a function only
    assert "django.db" not in impure_imports(links, ("netbox_wmf_ops",))
    assert "django.db" in impure_imports(links, ("netbox_wmf_ops",), anywhere=True)


def test_the_lifecycle_services_import_no_script_class():
    """Only the doors (``scripts/``, ``scripting.py``) know NetBox's script classes; the services refuse with
    ``Refused``."""
    found = {
        module_name(path): names
        for path in (PACKAGE / "lifecycle").rglob("*.py")
        if (names := {m for m in all_imports(path) if m.startswith(("extras.scripts", "utilities.exceptions"))})
    }
    assert found == {}
