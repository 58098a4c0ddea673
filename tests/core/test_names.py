import pytest

from app.core.names import match_key


@pytest.mark.parametrize(
    "spelling", ["Ja'afari", "Jaafari", "al-Jaafari", "JA’AFARI", "Al Ja‘afari", "Jaʿafari"]
)
def test_spellings_of_jaafari_fold_together(spelling):
    assert match_key(spelling) == "jaafari"


def test_arabic_article_diacritics_and_alef_forms_fold():
    assert match_key("الجَعفَري") == match_key("جعفري")
    assert match_key("أحرار الشام") == match_key("احرار شام")


def test_latin_diacritics_fold():
    assert match_key("Dūmā") == "duma"
