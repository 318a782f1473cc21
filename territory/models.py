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
