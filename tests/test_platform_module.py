"""platform/ is a source root, not a package: the standard library's platform module must win."""

import platform
import sys
from pathlib import Path

import controlplane


def test_standard_library_platform_module_still_works() -> None:
    assert platform.system() == "Linux"
    assert Path(str(platform.__file__)).parent == Path(str(sys.modules["os"].__file__)).parent


def test_project_package_comes_from_the_platform_source_root() -> None:
    assert Path(controlplane.__file__).parent.parent.name == "platform"
    assert not (Path(controlplane.__file__).parent.parent / "__init__.py").exists()


def test_libraries_that_import_platform_load() -> None:
    import uuid

    import psycopg
    import stripe
    import weasyprint

    assert uuid.uuid4().version == 4
    assert psycopg.__version__ and stripe.VERSION and weasyprint.__version__
