from django.db import models


class Theme(models.Model):
    """A subject the library, the watch and the agenda are sorted by. An editable vocabulary."""

    code = models.SlugField("code", max_length=50, unique=True, help_text="Code ASCII stable, utilisé dans les liens.")
    label = models.CharField("libellé", max_length=120)
    description = models.CharField("présentation", max_length=300, blank=True)
    synonyms = models.TextField("synonymes", blank=True, help_text="Un par ligne : les mots que les gens emploient.")
    disability_kit = models.BooleanField(
        "nourrit le kit handicap", default=False, help_text="Les ressources de ce thème apparaissent dans le kit."
    )
    position = models.PositiveSmallIntegerField("ordre", default=100)
    active = models.BooleanField("proposé", default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "thème"

    def __str__(self) -> str:
        return self.label


class Audience(models.Model):
    """Who a resource or an event is written for."""

    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=120)
    position = models.PositiveSmallIntegerField("ordre", default=100)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "public visé"
        verbose_name_plural = "publics visés"

    def __str__(self) -> str:
        return self.label
