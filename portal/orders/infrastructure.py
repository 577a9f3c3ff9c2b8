"""The Infrastructure Information drop-downs: vendor staff keep the answers in admin; "Not Known"
and "Other" are always offered."""

from collections import defaultdict

from .models import NOT_KNOWN, OTHER, InfrastructureChoice, Question

ALWAYS = [NOT_KNOWN, OTHER]


class Options:
    """Every active answer, read in one query, by question (editions by their Server OS)."""

    def __init__(self):
        self.by_question: dict[str, list[str]] = defaultdict(list)
        self.editions: dict[str, list[str]] = defaultdict(list)
        rows = InfrastructureChoice.objects.filter(is_active=True).select_related("server_os")
        for row in rows.order_by("question", "position", "label"):
            if row.question == Question.SERVER_OS_EDITION:
                if row.server_os and row.server_os.is_active:
                    self.editions[row.server_os.label].append(row.label)
            else:
                self.by_question[row.question].append(row.label)

    def labels(self, question: str, server_os: str = "") -> list[str]:
        if question == Question.SERVER_OS_EDITION:
            offered = self.editions.get(server_os, [])
        else:
            offered = self.by_question.get(question, [])
        return [label for label in offered if label not in ALWAYS] + ALWAYS

    def offered(self, question: str, server_os: str = "", saved: str = "") -> list[str]:
        """The answers to choose from; a saved answer no longer offered is kept until the user
        changes it."""
        labels = self.labels(question, server_os)
        if saved and saved not in labels:
            labels.append(saved)
        return labels
