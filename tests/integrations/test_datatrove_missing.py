"""Without the extra, importing the step says which extra to install (datatrove not needed)."""

from __future__ import annotations

import importlib
import sys

import pytest

from retold.errors import MissingDependencyError


def test_import_without_datatrove_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("datatrove", "datatrove.data", "datatrove.pipeline", "datatrove.pipeline.base"):
        monkeypatch.setitem(sys.modules, name, None)  # None makes `import` fail
    monkeypatch.delitem(sys.modules, "retold.integrations.datatrove", raising=False)
    with pytest.raises(MissingDependencyError) as e:
        importlib.import_module("retold.integrations.datatrove")
    assert str(e.value) == (
        "the datatrove step needs the 'datatrove' extra: pip install 'retold[datatrove]'"
    )
    assert e.value.exit_code == 3
