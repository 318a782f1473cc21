"""The demo roadmap: the Nièvre's France Numérique Ensemble roadmap as the technical committee of
5 June 2024 ("Axe 2 — Innovation") left it: four action sheets in drafting, written from its minutes
(titles and context from what was said; no figure that the minutes do not give)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from demandes.models import NeedCategory
from roadmap import actions
from roadmap.models import ActionSheet, Axis, AxisKind, CommitteeKind, Decision, Indicator, Roadmap, SheetStatus
from roadmap.snapshots import take_snapshots

SLUG = "nievre-france-numerique-ensemble"

AXES = [
    (AxisKind.INCLUSION, "Axe 1 — Inclusion"),
    (AxisKind.INNOVATION, "Axe 2 — Innovation"),
    (AxisKind.MEDIATION, "Axe 3 — Médiation"),
    (AxisKind.COMMUNICATION, "Axe 4 — Communication"),
]

CALENDAR = "Deuxième comité de pilotage en septembre 2024 ; feuille de route avant le 31 octobre 2024."

SHEETS = [
    {
        "code": "FA1",
        "title": "L'innovation au service de l'inclusion et l'ouverture à de nouveaux publics",
        "context": (
            "Comment l'innovation numérique peut-elle inclure les personnes éloignées du numérique, "
            "et s'ouvrir à de nouveaux publics ? L'innovation peut faire peur : ne pas faire de « déçus de "
            "l'innovation ».\n"
            "Des fablabs, minilabs, cyber-bases et Micro-Folies existent sur le territoire. Un besoin de scanner 3D "
            "est exprimé pour des commerçants (un commerce de chaussures à Decize), matériel trop cher à acquérir "
            "seul : certains fablabs pourraient en disposer.\n"
            "Le modèle économique d'un fablab ne s'équilibre pas : c'est d'abord un outil d'éducation à vocation "
            "sociale. La Micro-Folie, mobile, peut être une étape avant le fablab."
        ),
        "goals": (
            "Renforcer et soutenir les équipements des fablabs.\n"
            "Former les personnes aux logiciels qui vont avec ces équipements.\n"
            "Savoir vers quels lieux orienter les demandes (découpe laser, impression 3D…)."
        ),
        "target_publics": "Personnes éloignées du numérique, nouveaux publics des lieux d'innovation, professionnels.",
        "needs": ["3d_scanning", "3d_printing", "laser_cutting", "digital_discovery"],
        "indicators": [
            ("Demandes reçues pour un scanner 3D", "demandes", "requests_received", {"need": "3d_scanning"}),
            ("Besoins non couverts", "demandes", "unmet_needs", {}),
            ("Lieux vérifiés depuis moins de 6 mois", "lieux", "places_verified_recently", {}),
        ],
    },
    {
        "code": "FA2",
        "title": "La recherche des financements",
        "context": (
            "Aller chercher des financements départementaux, européens, de l'État… Le cadre de financement du "
            "dispositif France Numérique Ensemble a ses limites. Une partie des crédits de l'État pour les "
            "conseillers numériques France Services a disparu ; il faut néanmoins former et financer les lieux de "
            "médiation numérique."
        ),
        "goals": "Une fiche qui explique comment aller chercher des crédits, et pour quels équipements ou actions.",
        "target_publics": "Lieux de médiation et d'innovation, collectivités, associations, professionnels.",
        "needs": [],
        "indicators": [("Dossiers de financement déposés", "dossiers", "", {})],
    },
    {
        "code": "FA3",
        "title": "Méthodes et outils pour accompagner les professionnels et répondre à leurs besoins",
        "context": (
            "Il faut dissocier les besoins du grand public et ceux des professionnels : ce n'est pas la même "
            "approche. Dans les labs, les professionnels n'ont pas le temps de s'impliquer dans la création : "
            "un lieu doit pouvoir répondre en mode « prestation ». Les demandes de série sont à renvoyer vers "
            "l'EBE 58 de Prémery (broderie, jusqu'à plusieurs centaines d'exemplaires).\n"
            "Comment faire remonter les besoins, par quel canal ? Catégoriser les demandes selon la proximité et "
            "la situation de chaque demandeur (professionnel ou grand public)."
        ),
        "goals": (
            "Savoir vers quelles structures renvoyer chaque public.\n"
            "Apporter une réponse adaptée au public professionnel et au grand public."
        ),
        "target_publics": "Entreprises, artisans, commerçants, agriculteurs ; grand public.",
        "needs": ["production_run", "professional_training", "business_communication"],
        "indicators": [
            ("Demandes de professionnels reçues", "demandes", "requests_received", {"audience": "professional"}),
            ("Part des demandes orientées en moins de 7 jours", "%", "share_oriented_within", {"days": 7}),
        ],
    },
    {
        "code": "FA4",
        "title": "L'outillage des médiateurs et conseillers numériques pour parler d'innovation numérique",
        "context": (
            "Les usagers interpellent les conseillers numériques sur ce qu'ils voient à la télévision ou sur "
            "internet ; l'intelligence artificielle est un sujet central, d'où un temps de veille énorme. La "
            "sécurité doit être abordée (sécuriser les données, coder son téléphone), y compris avec les jeunes. "
            "Thématique manquante : le codage et la programmation pour les jeunes. Un kit handicap est en "
            "expérimentation au Conseil départemental.\n"
            "Proposition : un club innovation pour faire de la veille en commun."
        ),
        "goals": (
            "Mettre en commun les ressources et la veille.\n"
            "Accompagner les conseillers numériques vers des formations adaptées."
        ),
        "target_publics": "Médiateurs et conseillers numériques ; à travers eux, les usagers.",
        "needs": ["ai_understanding", "cybersecurity", "coding_robotics", "accessibility_tools"],
        "indicators": [
            ("Ressources publiées pour les médiateurs", "ressources", "resources_published", {}),
            ("Ateliers, formations et réunions tenus", "événements", "events_held", {}),
        ],
    },
]

MINUTES = """
<p>Comité technique de l'axe 2 (Innovation) de la démarche France Numérique Ensemble de la Nièvre,
en salle et en visioconférence.</p>
<h3>Contexte</h3>
<ul>
<li>Comité de pilotage de lancement le 29 avril ; un deuxième comité de pilotage en septembre ; la feuille
de route à rendre avant le 31 octobre.</li>
<li>La feuille de route territoriale et la stratégie départementale d'aide aux usages numériques se
complètent, sur quatre axes : inclusion, médiation, innovation et communication.</li>
<li>Une plate-forme partagée accueille les fiches actions, à construire ensemble.</li>
</ul>
<h3>Échanges</h3>
<ul>
<li>Les lieux d'innovation du territoire (fablabs, minilabs, cyber-bases, Micro-Folies) et ce qu'ils
peuvent faire ; un besoin de scanner 3D chez des commerçants ; la prestation et la série.</li>
<li>Le financement des équipements et des lieux ; la distinction entre professionnels et grand public.</li>
<li>L'intelligence artificielle et la sécurité, sujets sur lesquels les usagers interrogent les
conseillers numériques ; le codage pour les jeunes ; le kit handicap.</li>
</ul>
"""

ATTENDANCE = [
    {"kind": "Conseil départemental (service d'accompagnement au numérique, informatique)", "count": 6},
    {"kind": "Conseillers numériques de collectivités", "count": 4},
    {"kind": "Collectivités et intercommunalités (informatique, développement)", "count": 3},
    {"kind": "Chambres consulaires (agriculture, commerce et industrie)", "count": 2},
    {"kind": "Syndicat intercommunal", "count": 1},
    {"kind": "Préfecture", "count": 1},
    {"kind": "Parc naturel régional", "count": 1},
]


@transaction.atomic
def load_roadmap_demo() -> Roadmap:
    roadmap, _ = Roadmap.objects.update_or_create(
        slug=SLUG,
        defaults={
            "title": "Feuille de route France Numérique Ensemble — Nièvre",
            "territory": "Nièvre",
            "summary": (
                "La feuille de route territoriale France Numérique Ensemble, construite avec les acteurs du "
                "territoire sur quatre axes : inclusion, médiation, innovation et communication. "
                "Deuxième comité de pilotage en septembre ; feuille de route à rendre avant le 31 octobre 2024."
            ),
            "is_public": True,
            "due_date": date(2024, 10, 31),
        },
    )
    axes = {}
    for position, (kind, title) in enumerate(AXES, start=1):
        axes[kind], _ = Axis.objects.update_or_create(
            roadmap=roadmap, kind=kind, defaults={"title": title, "position": position}
        )
    sheets = []
    for data in SHEETS:
        sheet, created = ActionSheet.objects.get_or_create(
            roadmap=roadmap,
            code=data["code"],
            defaults={
                "axis": axes[AxisKind.INNOVATION],
                "title": data["title"],
                "context": data["context"],
                "goals": data["goals"],
                "target_publics": data["target_publics"],
                "calendar": CALENDAR,
                "status": SheetStatus.DRAFTING,
            },
        )
        if created:
            sheet.need_categories.set(NeedCategory.objects.filter(code__in=data["needs"]))
            for label, unit, computed, parameters in data["indicators"]:
                Indicator.objects.create(sheet=sheet, label=label, unit=unit, computed=computed, parameters=parameters)
            actions.record_first_version(sheet, by=None, note="Rédigée d'après le compte rendu du comité technique")
        sheets.append(sheet)
    committee = actions.record_committee(
        roadmap=roadmap,
        kind=CommitteeKind.TECHNICAL,
        title="Comité technique Axe 2 — Innovation",
        on=date(2024, 6, 5),
        location="Salle Jules Renard",
        by_video=True,
        attendance=ATTENDANCE,
        minutes=MINUTES,
    )
    if not committee.decisions.exists():
        decision = Decision.objects.create(
            committee=committee,
            text="Quatre fiches actions sont identifiées pour l'axe Innovation (FA1 à FA4), à rédiger ensemble.",
        )
        decision.sheets.set(sheets)
        Decision.objects.create(
            committee=committee,
            text=(
                "Deux fiches sont proposées pour les autres axes : l'actualisation de la base de données des lieux "
                "(volet communication) et la catégorisation des demandes selon la proximité et la situation du "
                "demandeur (inclusion et médiation)."
            ),
        )
    take_snapshots(on=timezone.localdate())
    return roadmap
