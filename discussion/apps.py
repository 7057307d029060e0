from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    # The discussion and advice on the records of every Action, and the one search across them: above the Actions,
    # shown on their pages through the core's record panels.
    name = "discussion"
    verbose_name = "Discussion and search"

    def ready(self):
        from discussion import panels

        panels.attach(self.label)
