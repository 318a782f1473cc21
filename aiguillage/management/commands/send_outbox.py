from django.conf import settings
from django.core.management.base import BaseCommand

from aiguillage import outbox
from aiguillage.locks import single_run_command


class Command(BaseCommand):
    help = "Prépare et envoie les courriels en attente, réessaie ceux qui ont échoué quand leur délai est passé."

    @single_run_command
    def handle(self, *args: object, **options: object) -> None:
        if settings.MAILER_USE_FILE_LOCK:
            (settings.BASE_DIR / "var").mkdir(exist_ok=True)
        built = outbox.build_pending()
        requeued = outbox.requeue_due()
        outbox.send_queued()
        purged = outbox.purge_log()
        waiting = outbox.undelivered()
        failed = sum(1 for email in waiting if email.given_up)
        self.stdout.write(
            f"{built} envoi(s) préparé(s), {requeued} courriel(s) remis en file, {len(waiting)} en attente dont "
            f"{failed} abandonné(s) après {settings.OUTBOX_MAX_ATTEMPTS} essais, "
            f"{purged} ligne(s) de journal purgée(s)."
        )
