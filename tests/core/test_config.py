from pathlib import Path

from app.core.config import Settings

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_setting():
    for name in Settings.model_fields:
        assert f"`{name.upper()}`" in README, name
