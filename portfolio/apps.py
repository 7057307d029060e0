from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = "Portfolio: dashboards, lists, exports and reports"

    def ready(self):
        from portfolio import background_exports, tasks

        # The task that builds a large export, handed to the service that starts one.
        background_exports.exports_built_by(tasks.build_export)
