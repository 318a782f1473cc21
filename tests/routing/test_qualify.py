import json
from pathlib import Path

import pytest

from routing import Category, Thesaurus, category_problems, load_thesaurus, qualify

VOCABULARIES = Path(__file__).resolve().parents[2] / "directory" / "data" / "vocabularies.json"


@pytest.fixture(scope="module")
def thesaurus() -> Thesaurus:
    return Thesaurus(load_thesaurus())


def codes(thesaurus: Thesaurus, text: str) -> tuple[str, ...]:
    return thesaurus.qualify(text).codes


def evidence(thesaurus: Thesaurus, text: str, code: str) -> tuple[str, ...]:
    return next(match.evidence for match in thesaurus.qualify(text).matches if match.category.code == code)


# The seed thesaurus


def test_the_seed_thesaurus_is_sound_and_rich() -> None:
    categories = load_thesaurus()
    assert 20 <= len(categories) <= 30
    assert len({category.code for category in categories}) == len(categories)
    assert all(category_problems(category) == () for category in categories)
    assert all(category.label and category.synonyms for category in categories)


def test_the_seed_thesaurus_only_uses_codes_of_the_directory_vocabularies() -> None:
    vocabularies = json.loads(VOCABULARIES.read_text(encoding="utf-8"))["vocabularies"]
    services = {term["code"] for term in vocabularies["service"]}
    equipment = {term["code"] for term in vocabularies["equipment"]}
    for category in load_thesaurus():
        assert category.services <= services, category.code
        assert category.equipment <= equipment, category.code


def test_the_production_run_category_is_answered_by_places_doing_runs() -> None:
    production = [category for category in load_thesaurus() if category.production_run]
    assert [category.code for category in production] == ["production_run"]
    assert production[0].services == {"production_run"}


# The committee's cases


def test_it_recognises_3d_scanning_in_the_shoe_shop_words(thesaurus: Thesaurus) -> None:
    text = "scanner les pieds de mes clients en 3D"
    assert codes(thesaurus, text) == ("3d_scanning",)
    assert evidence(thesaurus, text, "3d_scanning") == ("scanner", "3D")


def test_it_recognises_embroidery_and_a_production_run_in_300_t_shirts(thesaurus: Thesaurus) -> None:
    result = thesaurus.qualify("broder 300 t-shirts")
    assert result.codes == ("embroidery", "production_run")
    assert evidence(thesaurus, "broder 300 t-shirts", "production_run") == ("300",)
    assert result.quantity == 300


@pytest.mark.parametrize(
    ("text", "expected_evidence"),
    [
        ("200 mugs", "200"),
        ("plusieurs centaines de porte-clés", "plusieurs centaines"),
        ("une fabrication en série", "fabrication en série"),
        ("des porte-clés en série", "en série"),
        ("deux cents tee-shirts", "deux cents"),
    ],
)
def test_it_recognises_a_production_run(thesaurus: Thesaurus, text: str, expected_evidence: str) -> None:
    assert "production_run" in codes(thesaurus, text)
    assert expected_evidence in evidence(thesaurus, text, "production_run")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ChatGPT", "ai_understanding"),
        ("chat gpt", "ai_understanding"),
        ("Chat-GPT", "ai_understanding"),
        ("l'IA", "ai_understanding"),
        ("intelligence artificielle", "ai_understanding"),
        ("pirates", "cybersecurity"),
        ("protéger mes données", "cybersecurity"),
        ("arnaque", "cybersecurity"),
        ("ma retraite en ligne", "online_admin"),
        ("faire ma déclaration d'impôts", "online_admin"),
        ("carte grise", "online_admin"),
        ("apprendre à utiliser mon smartphone", "digital_basics"),
        ("refaire mon CV", "job_search"),
        ("mon fils passe trop de temps sur les écrans", "digital_parenting"),
        ("acheter un ordinateur reconditionné", "refurbished_computer"),
        ("imprimer un document", "internet_access"),
        ("un casque de réalité virtuelle pour la classe", "virtual_reality"),
        ("graver un logo sur du bois", "laser_cutting"),
        ("des stickers pour ma vitrine", "vinyl_cutting"),
        ("un atelier de robotique pour les enfants", "coding_robotics"),
        ("un projet avec un Arduino", "electronics"),
        ("enregistrer un podcast", "video_podcast"),
        ("créer un site internet pour ma boutique", "business_communication"),
        ("fabriquer un prototype de mon invention", "project_prototyping"),
        ("former mes salariés", "professional_training"),
    ],
)
def test_it_recognises_a_category(thesaurus: Thesaurus, text: str, code: str) -> None:
    assert code in codes(thesaurus, text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("imprimente 3d", "3d_printing"),
        ("Imprimante 3D", "3d_printing"),
        ("brodeuse", "embroidery"),
        ("brodées", "embroidery"),
        ("BRODERIES", "embroidery"),
        ("cybersecurite", "cybersecurity"),
        ("cyber sécurité", "cybersecurity"),
        ("chat gpt", "ai_understanding"),
        ("intelligance artificielle", "ai_understanding"),
        ("inteligence artficielle", "ai_understanding"),
        ("mes impots", "online_admin"),
    ],
)
def test_it_forgives_accents_case_plurals_and_typos(thesaurus: Thesaurus, text: str, code: str) -> None:
    assert code in codes(thesaurus, text)


def test_evidence_quotes_the_words_as_they_were_typed(thesaurus: Thesaurus) -> None:
    text = "Je voudrais des T-Shirts BRODÉS, et comprendre l'Intelligence Artificielle."
    assert evidence(thesaurus, text, "embroidery") == ("BRODÉS",)
    assert evidence(thesaurus, text, "ai_understanding") == ("Intelligence Artificielle",)


def test_evidence_keeps_short_function_words_between_matched_words(thesaurus: Thesaurus) -> None:
    assert evidence(thesaurus, "protéger mes données", "cybersecurity") == ("protéger mes données",)


def test_evidence_lists_each_occurrence_and_never_runs_across_punctuation(thesaurus: Thesaurus) -> None:
    assert evidence(thesaurus, "chat gpt et ChatGPT", "ai_understanding") == ("chat gpt", "ChatGPT")
    text = "Mon compte a été piraté, les pirates ont mes mots de passe"
    assert evidence(thesaurus, text, "cybersecurity") == ("compte a été piraté", "pirates", "mots de passe")


def test_a_stem_does_not_swallow_the_next_word(thesaurus: Thesaurus) -> None:
    assert evidence(thesaurus, "broder 300 t-shirts", "embroidery") == ("broder",)


def test_matches_follow_the_order_of_the_text(thesaurus: Thesaurus) -> None:
    assert codes(thesaurus, "Mon compte a été piraté. Je veux aussi comprendre ChatGPT.") == (
        "cybersecurity",
        "ai_understanding",
    )


@pytest.mark.parametrize(
    "text",
    ["", "   ", "la", "les", "je", "ma", "la les je ma", "je la veux", "Bonjour, merci beaucoup", "c'est grave ?"],
)
def test_common_words_alone_find_nothing(thesaurus: Thesaurus, text: str) -> None:
    result = thesaurus.qualify(text)
    assert result.matches == ()
    assert result.is_empty
    assert result.quantity is None


def test_short_words_are_never_matched_with_a_typo() -> None:
    ai = Category("ai", "IA", synonyms=("ia",), services=frozenset({"digital_understanding"}))
    assert qualify("je la veux", [ai]).matches == ()
    assert qualify("l'ia", [ai]).codes == ("ai",)


def test_a_family_word_alone_is_no_digital_parenting_need(thesaurus: Thesaurus) -> None:
    assert codes(thesaurus, "un rendez-vous pour la carte d'identité de mon fils") == ("online_admin",)
    assert "digital_parenting" in codes(thesaurus, "ma fille est tout le temps sur son téléphone")


def test_words_of_a_phrase_must_be_in_the_same_sentence(thesaurus: Thesaurus) -> None:
    result = codes(thesaurus, "Je dois scanner un document. La 3D ne m'intéresse pas.")
    assert "internet_access" in result
    assert "3d_scanning" not in result


def test_words_of_a_phrase_must_be_near_each_other(thesaurus: Thesaurus) -> None:
    text = "scanner la facture du garage puis la carte du restaurant et le menu du midi en 3D"
    assert "3d_scanning" not in codes(thesaurus, text)


def test_a_single_word_with_function_words_matches_only_as_the_whole_phrase(thesaurus: Thesaurus) -> None:
    assert "production_run" in codes(thesaurus, "des porte-clés en série")
    assert "production_run" not in codes(thesaurus, "une série de questions sur internet")


# Quantities


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("broder 300 t-shirts", 300),
        ("imprimer 1 000 flyers", 1000),
        ("deux cents mugs", 200),
        ("une centaine de badges", 100),
        ("de 200 à 300 écussons", 300),
        ("200-300 écussons", 300),
        ("une série de 50", 50),
        ("quatre-vingt-dix porte-clés", 90),
        ("3 casquettes brodées", 3),
        ("un atelier pour 30 élèves", None),
        ("ma mère a 82 ans", None),
        ("un atelier pour 25 enfants de 8 ans", None),
        ("à 20 km de chez moi", None),
        ("en 2025 je voudrais apprendre", None),
        ("un budget de 20 €", None),
        ("j'habite au 58000 Nevers", None),
        ("le 12 juin", None),
        ("au 06 12 34 56 78", None),
        ("une pièce de 2,5 kg", None),
        ("une imprimante 3D", None),
        ("plusieurs centaines de sacs", None),
        ("un ordinateur neuf", None),
    ],
)
def test_it_extracts_the_quantity_for_the_form(thesaurus: Thesaurus, text: str, quantity: int | None) -> None:
    assert thesaurus.qualify(text).quantity == quantity


def test_a_quantity_below_the_threshold_is_no_production_run(thesaurus: Thesaurus) -> None:
    result = thesaurus.qualify("broder 10 t-shirts")
    assert result.quantity == 10
    assert result.codes == ("embroidery",)


def test_the_production_threshold_is_a_setting() -> None:
    categories = load_thesaurus()
    assert "production_run" in qualify("broder 10 t-shirts", categories, production_threshold=5).codes
    assert "production_run" not in qualify("broder 300 t-shirts", categories, production_threshold=500).codes


# Categories are data


def test_the_function_and_the_compiled_thesaurus_agree(thesaurus: Thesaurus) -> None:
    text = "broder 300 t-shirts et comprendre ChatGPT"
    assert qualify(text, load_thesaurus()) == thesaurus.qualify(text)


def test_a_category_added_by_a_coordinator_is_recognised_with_its_stems_and_synonyms() -> None:
    beekeeping = Category(
        "connected_beehive",
        "Ruche connectée",
        synonyms=("ruche connectée", "balance* ruche"),
        stems=("apicult",),
        equipment=frozenset({"electronics_kit"}),
    )
    assert qualify("Je suis apiculteur", [beekeeping]).codes == ("connected_beehive",)
    assert qualify("une balance pour peser ma ruche", [beekeeping]).codes == ("connected_beehive",)
    assert qualify("des ruches connectées", [beekeeping]).codes == ("connected_beehive",)


def test_category_problems_are_explained_in_french() -> None:
    broken = Category("Bad Code", " ", synonyms=("la",), stems=("ia",))
    problems = category_problems(broken)
    assert len(problems) == 5
    assert any("trop courte" in problem for problem in problems)
    assert any("aucun mot significatif" in problem for problem in problems)


def test_a_short_stem_typed_by_a_coordinator_is_ignored_rather_than_matching_everything() -> None:
    loose = Category("loose", "Trop large", stems=("ia",), services=frozenset({"training"}))
    assert qualify("l'ia", [loose]).matches == ()


def test_loading_refuses_duplicate_codes(tmp_path: Path) -> None:
    entry = {"code": "same", "label": "Pareil", "synonyms": ["robot"], "services": ["training"]}
    path = tmp_path / "thesaurus.json"
    path.write_text(json.dumps({"categories": [entry, entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_thesaurus(path)


def test_loading_refuses_a_malformed_entry(tmp_path: Path) -> None:
    path = tmp_path / "thesaurus.json"
    path.write_text(json.dumps({"categories": [{"code": "x", "label": "X", "synonyms": "robot"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="synonyms"):
        load_thesaurus(path)
