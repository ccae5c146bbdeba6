"""The plugin's import graph runs one way: no module imports, at load time, a module that (directly or through others)
imports it back; loading the settings declaration pulls in nothing but itself (no requests, no feature code); and the
pure planning modules import nothing of Django or NetBox, anywhere in them (they are unit-tested without either)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "netbox_wmf_ops"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# The pure planning packages, and the third-party libraries they may use besides the standard library.
PURE_PACKAGES = ("netbox_wmf_ops.lifecycle.planning",)
PURE_THIRD_PARTY = frozenset({"netaddr"})


def imported_names(path: Path, statements: list[ast.stmt]) -> set[str]:
    """Every module (and ``module.name``) the import ``statements`` of the module at ``path`` name, made absolute."""
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


def load_time_imports(path: Path) -> set[str]:
    """Project modules imported by the module's top-level code (imports inside functions run later, not at load)."""
    statements = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If | ast.Try):  # e.g. `if TYPE_CHECKING:` is skipped below; try/except imports count
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            statements += [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
        else:
            statements.append(node)
    found = imported_names(path, statements)
    return {m for m in found if m == "netbox_wmf_ops" or m.startswith("netbox_wmf_ops.")}


def all_imports(path: Path) -> set[str]:
    """Every module the module imports, wherever the import stands (top level, functions, ``TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return imported_names(path, [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)])


def framework_imports(imports: set[str]) -> set[str]:
    """The imports that are neither the standard library, nor a pure third-party library, nor the project."""
    allowed = sys.stdlib_module_names | PURE_THIRD_PARTY | {"netbox_wmf_ops", "__future__"}
    return {m for m in imports if m and m.split(".")[0] not in allowed}


def impure_imports_of_pure_modules() -> dict[str, set[str]]:
    """The non-pure imports of the pure packages' modules and of every project module they import (transitively; the
    package ``netbox_wmf_ops`` itself, the plugin's config, loads before any of them and is left out)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    todo = [n for n in modules if n.startswith(PURE_PACKAGES)]
    seen: set[str] = set()
    found: dict[str, set[str]] = {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        imports = all_imports(modules[name])
        if bad := framework_imports(imports):
            found[name] = bad
        for target in imports:
            target = target if target in modules else target.rpartition(".")[0]
            if target in modules and target != "netbox_wmf_ops":
                todo.append(target)
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


def test_the_planning_modules_import_nothing_of_django_or_netbox():
    assert impure_imports_of_pure_modules() == {}


def test_the_purity_check_sees_framework_imports():
    imports = {"re", "netaddr", "netbox_wmf_ops.policy", "django.db", "dcim.models", "extras.scripts", "utilities"}
    assert framework_imports(imports) == {"django.db", "dcim.models", "extras.scripts", "utilities"}


def test_the_lifecycle_services_import_no_script_class():
    """Only the doors (``scripts/``, ``scripting.py``) know NetBox's script classes; the services refuse with
    ``Refused``."""
    lifecycle = PACKAGE / "lifecycle"
    found = {
        module_name(path): names
        for path in lifecycle.rglob("*.py")
        if (names := {m for m in all_imports(path) if m.startswith(("extras.scripts", "utilities.exceptions"))})
    }
    assert found == {}
