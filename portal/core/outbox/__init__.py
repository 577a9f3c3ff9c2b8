"""The transactional outbox: messages to other systems are rows written with the change they
report, and delivered later by tasks, at least once.

One shape for every kind of row (e-mail here; provisioning requests in ``portal.sync``;
webhook deliveries in ``portal.webhooks``):

- ``models``: ``Deliverable``, the bookkeeping each kind's model inherits, and core's e-mail.
- ``kinds``: a ``Kind`` declares one outbox (model, task, sender, settings prefix); each app
  registers its own from its ``tasks`` module. One claim, lease, finish and retry for all.
- ``recovery``: what ``outbox_recover`` runs on each round, for every registered kind, and
  the apps' clean-ups that the scheduler's ``purge`` job runs.
- ``mail``: ``message_queue`` (``messages_queue`` for a batch) and the e-mail sender;
  ``posting``: the signed JSON POST; ``admin``: the vendor console's shared parts.
"""

from .kinds import (
    KINDS,
    Kind,
    Undelivered,
    enqueue_in_transaction,
    enqueue_many_in_transaction,
    redeliver,
    register,
)
from .mail import FileToAttach, Mail, message_id, message_queue, messages_queue
from .models import Deliverable
from .recovery import HOUSEKEEPING, RECOVERY, housekeeping_all, recover_all

__all__ = [
    "HOUSEKEEPING",
    "KINDS",
    "RECOVERY",
    "Deliverable",
    "FileToAttach",
    "Kind",
    "Mail",
    "Undelivered",
    "enqueue_in_transaction",
    "enqueue_many_in_transaction",
    "housekeeping_all",
    "message_id",
    "message_queue",
    "messages_queue",
    "recover_all",
    "redeliver",
    "register",
]
