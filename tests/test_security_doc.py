"""SECURITY.md names the test that proves each control: every test it names exists (a renamed or deleted test
would leave a clause without its proof)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_test_security_md_names_exists():
    text = (ROOT / "SECURITY.md").read_text()
    named, module = [], None
    for match in re.finditer(r"`((?:e2e/)?test_\w+\.py)?(?:::(test_\w+))?`|`::(test_\w+)`", text):
        path, test, continued = match.groups()
        if path:
            module = path
            assert (ROOT / "tests" / path).is_file(), f"SECURITY.md names tests/{path}, which does not exist"
        test = test or continued
        if test:
            named.append((module, test))
    assert len(named) > 20
    for path, test in named:
        source = (ROOT / "tests" / path).read_text()
        assert re.search(rf"^def {test}\(", source, re.M), f"SECURITY.md names {path}::{test}, which does not exist"
